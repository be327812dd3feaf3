using NetVirt.Backends.Linux.Resources;
using NetVirt.Model.Errors;
using NetVirt.Model.Validation;
using NetVirt.Store.DesiredState;

namespace NetVirt.Api.Views.Topology;

/// <summary>The topology of a stored state for a target, and its renderings by name (one table for the CLI's <c>--format</c> and the API's <c>?format=</c>).</summary>
public static class TopologyFormats
{
    /// <summary>The formats: text, dot, mermaid, svg (JSON is the view itself).</summary>
    public static readonly IReadOnlyList<string> Names = ["text", "dot", "mermaid", "svg"];

    /// <summary>The view of <paramref name="state"/>; on Linux the networks name their bridges under <paramref name="prefix"/>.</summary>
    public static TopologyView View(StoredState state, HostTarget target, string prefix)
    {
        ArgumentNullException.ThrowIfNull(state);
        var naming = target == HostTarget.Linux ? new LinuxNaming(prefix) : null;
        return TopologyBuilder.Build(state.Resolved, state.Generation, target.ToString().ToLowerInvariant(), naming is null ? null : naming.Bridge);
    }

    /// <summary><paramref name="view"/> rendered as <paramref name="format"/>, with its media type.</summary>
    public static (string Text, string MediaType) Render(TopologyView view, string format) => format switch
    {
        "text" => (TopologyText.Write(view), "text/plain; charset=utf-8"),
        "dot" => (TopologyDot.Write(view), "text/vnd.graphviz; charset=utf-8"),
        "mermaid" => (TopologyMermaid.Write(view), "text/plain; charset=utf-8"),
        "svg" => (TopologySvg.Write(view), "image/svg+xml; charset=utf-8"),
        _ => throw new InvalidInputException($"format '{format}' is not one of {string.Join(", ", Names)} (or json)"),
    };
}
