using NetVirt.Model.Spec;

namespace NetVirt.Model.Validation;

public sealed partial class ModelValidator
{
    private void ValidateEtherstub(string path, EtherstubSpec etherstub)
    {
        CheckLinkName($"{path}.name", etherstub.Name, "etherstub");
        CheckMtu($"{path}.mtu", etherstub.Mtu, $"etherstub '{etherstub.Name}'");
    }

    private void ValidateLink(string path, LinkSpec link)
    {
        // A link is the host's own datalink, so it follows the naming rules of the host it lives on.
        CheckLinkName($"{path}.name", link.Name, "link", hostOwned: true);
        CheckLinuxName($"{path}.name", link.Name, "link");
        CheckMtu($"{path}.mtu", link.Mtu, $"link '{link.Name}'");
    }

    private void ValidatePool(string path, PoolSpec pool)
    {
        if (NameRules.CheckObjectName(pool.Name) is { } problem)
        {
            Report($"{path}.name", "name.invalid", $"pool name '{pool.Name}' {problem}");
        }

        if (pool.Networks.IsEmpty)
        {
            Report($"{path}.networks", "pool.empty", $"pool '{pool.Name}' lists no networks");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < pool.Networks.Count; i++)
        {
            var name = pool.Networks[i];
            if (!_networks.ContainsKey(name))
            {
                Report($"{path}.networks[{i}]", "ref.unknown-network", $"pool '{pool.Name}' lists network '{name}', which is not defined");
            }
            else if (!seen.Add(name))
            {
                Report($"{path}.networks[{i}]", "pool.duplicate-network", $"pool '{pool.Name}' lists network '{name}' twice");
            }
        }
    }
}
