using NetVirt.Model.Spec;
using NetVirt.Model.Validation;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace NetVirt.Documents;

public static partial class DocumentLoader
{
    /// <summary>The path of a single-object document's root in its errors: <c>$</c>, <c>$.ipv4.subnet</c>.</summary>
    public const string ItemRoot = "$";

    /// <summary>Reads one etherstub, as it would appear in a document's <c>etherstubs</c> list (an API request body).</summary>
    public static ItemLoadResult<EtherstubSpec> LoadEtherstub(string source, string text) => LoadItem(source, text, ReadEtherstub, []);

    /// <summary>Reads one network, as it would appear in a document's <c>networks</c> list.</summary>
    public static ItemLoadResult<NetworkSpec> LoadNetwork(string source, string text) => LoadItem(source, text, ReadNetwork, []);

    /// <summary>Reads one pool, as it would appear in a document's <c>pools</c> list.</summary>
    public static ItemLoadResult<PoolSpec> LoadPool(string source, string text) => LoadItem(source, text, ReadPool, []);

    /// <summary>Reads one zone with its VNICs, as it would appear in a document's <c>zones</c> list.</summary>
    public static ItemLoadResult<ZoneSpec> LoadZone(string source, string text) => LoadItem(source, text, ReadZone, []);

    /// <summary>
    /// Reads one VNIC, as it would appear in a zone's <c>vnics</c> list, plus the keys in <paramref name="extraKeys"/>
    /// (text values the caller needs beside the VNIC, such as the zone it belongs to).
    /// </summary>
    public static ItemLoadResult<VnicSpec> LoadVnic(string source, string text, params string[] extraKeys) => LoadItem(source, text, ReadVnic, extraKeys);

    /// <summary>
    /// Like <see cref="LoadVnic(string, string, string[])"/>, with values for keys the body may leave out (a request
    /// that lets the server name the VNIC); <see cref="ItemLoadResult{T}.Keys"/> still tells what the body had.
    /// </summary>
    public static ItemLoadResult<VnicSpec> LoadVnic(string source, string text, IReadOnlyDictionary<string, string> defaults, params string[] extraKeys) =>
        LoadItem(source, text, ReadVnic, extraKeys, defaults);

    /// <summary>
    /// Reads one reservation (<c>{address, note}</c> or <c>{start, end, note}</c>), as in a network's <c>reserved</c>
    /// list, plus the keys in <paramref name="extraKeys"/> (such as the network it belongs to).
    /// </summary>
    public static ItemLoadResult<ReservationSpec> LoadReservation(string source, string text, params string[] extraKeys) => LoadItem(source, text, ReadReservation, extraKeys);

    /// <summary>
    /// One object read by the same code as documents, so it gets the same checks and error codes; paths start at
    /// <see cref="ItemRoot"/>. The extra keys are taken out of the mapping before the object is read.
    /// </summary>
    private static ItemLoadResult<T> LoadItem<T>(
        string source, string text, Func<NodeReader, YamlNode, string, T?> read, IReadOnlyList<string> extraKeys, IReadOnlyDictionary<string, string>? defaults = null)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(text);
        var errors = new List<ValidationError>();
        var map = new SourceMap();
        if (DocumentLimits.Load(source, text, ItemRoot, out var error) is not { } stream)
        {
            errors.Add(error!);
            return new ItemLoadResult<T>(null, new HashSet<string>(StringComparer.Ordinal), new Dictionary<string, string>(StringComparer.Ordinal), map, errors);
        }

        if (stream.Documents.Count != 1 || NodeReader.IsNull(stream.Documents[0].RootNode))
        {
            errors.Add(new ValidationError(ItemRoot, "body.empty", stream.Documents.Count > 1
                ? $"{source} holds {stream.Documents.Count} documents; send exactly one object"
                : $"{source} is empty; send one object"));
            return new ItemLoadResult<T>(null, new HashSet<string>(StringComparer.Ordinal), new Dictionary<string, string>(StringComparer.Ordinal), map, errors);
        }

        var root = stream.Documents[0].RootNode;
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var extra = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root is YamlMappingNode mapping)
        {
            foreach (var key in mapping.Children.Keys.OfType<YamlScalarNode>())
            {
                keys.Add(key.Value ?? "");
            }

            var reader = new NodeReader(source, errors, map);
            foreach (var name in extraKeys)
            {
                var key = new YamlScalarNode(name);
                if (mapping.Children.TryGetValue(key, out var value))
                {
                    mapping.Children.Remove(key);
                    if (reader.String(value, $"{ItemRoot}.{name}", name) is { } s)
                    {
                        extra[name] = s;
                    }
                }
            }

            foreach (var (name, value) in defaults ?? new Dictionary<string, string>())
            {
                mapping.Children.TryAdd(new YamlScalarNode(name), new YamlScalarNode(value));
            }
        }

        var item = read(new NodeReader(source, errors, map), root, ItemRoot);
        return new ItemLoadResult<T>(item, keys, extra, map, errors);
    }
}
