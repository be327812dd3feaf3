namespace NetVirt.Backends.Illumos.Execution;

/// <summary>Which failure of a command means "already done" (then verified) rather than an error.</summary>
internal enum Tolerance
{
    /// <summary>Every failure is an error.</summary>
    None,

    /// <summary>"object already exists" and its ipadm/route spellings: the object is there; verify it is the right one.</summary>
    Exists,

    /// <summary>"not found" and its spellings: the object is gone; verify it really is.</summary>
    Missing,
}
