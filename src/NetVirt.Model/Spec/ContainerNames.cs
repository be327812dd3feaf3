using System.Security.Cryptography;
using System.Text;
using NetVirt.Model.Validation;

namespace NetVirt.Model.Spec;

/// <summary>How a container's zone is named after its runtime container id.</summary>
public static class ContainerNames
{
    /// <summary>Length of the id prefix in a hashed zone name (a podman/docker "short id").</summary>
    public const int ShortId = 12;

    /// <summary>
    /// <c>c-</c> + the container id when that is a valid zone name (ctr's <c>default-web1</c> → <c>c-default-web1</c>);
    /// otherwise (a 64-hex podman id is too long) <c>c-</c> + the first 12 characters + <c>-</c> + 8 hex digits of the
    /// id's SHA-256, so two ids that share a short id still get two zones. Deterministic: DEL finds the zone again.
    /// </summary>
    public static string ZoneName(string containerId)
    {
        ArgumentException.ThrowIfNullOrEmpty(containerId);
        var whole = "c-" + containerId;
        if (NameRules.CheckZoneName(whole) is null && whole.Length <= 24)
        {
            return whole;
        }

        var clean = new string([.. containerId.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_')]);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(containerId)))[..8];
        return $"c-{clean[..Math.Min(ShortId, clean.Length)]}-{hash}";
    }
}
