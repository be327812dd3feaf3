namespace NetVirt.Audit.Probes;

/// <summary>
/// One probe frame of a plan. Its <see cref="ProbePlan.TagOf"/> tag is hidden in the frame, so wherever the frame is
/// captured it is known for this probe and nothing else.
/// </summary>
/// <param name="Index">Position in <see cref="ProbePlan.Probes"/>.</param>
/// <param name="Kind">What it is.</param>
/// <param name="Source">Endpoint that sends it.</param>
/// <param name="Target">Endpoint it is addressed to, or -1 for a broadcast or multicast to every peer.</param>
/// <param name="Vlan">For VLAN-hopping probes, the foreign VLAN id carried; else 0.</param>
/// <param name="ViaGateway">True when a layer-3 probe is addressed to the source network's gateway.</param>
/// <param name="Quiet">True when its transport checksum is wrong on purpose (<see cref="ProbeFrames.SpoilChecksum"/>) until it is sent again.</param>
public readonly record struct Probe(int Index, ProbeKind Kind, int Source, int Target, int Vlan = 0, bool ViaGateway = false, bool Quiet = false);
