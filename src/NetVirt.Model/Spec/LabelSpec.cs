namespace NetVirt.Model.Spec;

/// <summary>A label: a name and a value.</summary>
public sealed record LabelSpec(string Name, string Value);
