using NetVirt.Model.Spec;

namespace NetVirt.Store.DesiredState;

/// <summary>
/// The desired state as stored: <see cref="Authored"/> is what the user wrote (<c>auto</c> stays <c>auto</c>, so
/// export round-trips); <see cref="Resolved"/> has every MAC, pool choice and auto address filled in by IPAM, which is
/// what backends render.
/// </summary>
public sealed record StoredState(long Generation, NetworkModel Authored, NetworkModel Resolved);
