using NetVirt.Model.Addressing;
using NetVirt.Model.Collections;
using NetVirt.Model.Spec;
using NetVirt.Model.Validation;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace NetVirt.Documents;

/// <summary>
/// Reads NetVirt documents (YAML, or JSON, which is YAML too) into one <see cref="NetworkModel"/>. Several
/// documents, in one file separated by <c>---</c> or in several files, merge: their lists are concatenated in
/// order, so paths such as <c>zones[5]</c> count across all of them. Every structural error is reported in one
/// pass with its path and location; meaning is checked afterwards by <see cref="ModelValidator"/>.
/// </summary>
public static partial class DocumentLoader
{
    private static readonly string[] TopKeys = ["version", "settings", "hosts", "etherstubs", "links", "networks", "pools", "zones"];

    /// <summary>Document format versions this build reads.</summary>
    public const int CurrentVersion = 1;

    /// <summary>Reads and merges files (<c>-</c> = standard input). A missing or unreadable file is an error, not an exception.</summary>
    public static LoadResult LoadFiles(IEnumerable<string> paths) => Load(ReadFiles(paths));

    /// <summary>
    /// Reads files (<c>-</c> = standard input) without parsing them, for a caller that looks at the texts first
    /// (<see cref="DocumentDigest"/>); <see cref="Load(DocumentFiles)"/> then parses exactly these texts.
    /// </summary>
    public static DocumentFiles ReadFiles(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var sources = new List<DocumentSource>();
        var errors = new List<ValidationError>();
        foreach (var path in paths)
        {
            try
            {
                sources.Add(DocumentSource.FromFile(path));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                errors.Add(new ValidationError(path, "file.unreadable", $"cannot read '{path}': {ex.Message}"));
            }
        }

        return new DocumentFiles(sources, errors);
    }

    /// <summary>Parses and merges files read by <see cref="ReadFiles"/>; the files that could not be read are errors.</summary>
    public static LoadResult Load(DocumentFiles files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var result = Load(files.Sources);
        return files.Unreadable.Count == 0 ? result : result with { Errors = [.. files.Unreadable, .. result.Errors] };
    }

    /// <summary>Reads and merges documents given as text.</summary>
    public static LoadResult Load(IEnumerable<DocumentSource> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var errors = new List<ValidationError>();
        var map = new SourceMap();
        var builder = new ModelBuilder();
        foreach (var source in sources)
        {
            if (DocumentLimits.Load(source.Name, source.Text, source.Name, out var error) is not { } stream)
            {
                errors.Add(error!);
                continue;
            }

            var reader = new NodeReader(source.Name, errors, map);
            foreach (var document in stream.Documents)
            {
                ReadDocument(reader, document.RootNode, builder);
            }
        }

        return new LoadResult(builder.Build(), map, errors);
    }

    /// <summary>Reads one document given as text (an API request body, a test).</summary>
    public static LoadResult Load(string name, string text) => Load([new DocumentSource(name, text)]);

    private static void ReadDocument(NodeReader r, YamlNode root, ModelBuilder b)
    {
        if (NodeReader.IsNull(root))
        {
            return;
        }

        var top = r.Mapping(root, "", $"the document {r.Source}", TopKeys);
        if (top is null)
        {
            return;
        }

        if (top.TryGetValue("version", out var version) && r.Integer(version, "version", "version") is { } v && v != CurrentVersion)
        {
            r.Error("version", "document.version", $"document version {v} is not supported; this NetVirt reads version {CurrentVersion}");
        }

        if (top.TryGetValue("settings", out var settings))
        {
            ReadSettings(r, settings, b);
        }

        ReadList(r, top, "hosts", b.Hosts, ReadHost);
        ReadList(r, top, "etherstubs", b.Etherstubs, ReadEtherstub);
        ReadList(r, top, "links", b.Links, ReadLink);
        ReadList(r, top, "networks", b.Networks, ReadNetwork);
        ReadList(r, top, "pools", b.Pools, ReadPool);
        ReadList(r, top, "zones", b.Zones, ReadZone);
    }

    private static void ReadList<T>(NodeReader r, Dictionary<string, YamlNode> top, string key, List<T> target, Func<NodeReader, YamlNode, string, T?> read)
        where T : class
    {
        if (!top.TryGetValue(key, out var node) || r.Sequence(node, key, key) is not { } items)
        {
            return;
        }

        foreach (var item in items)
        {
            // Paths count across merged documents: the next item of this kind is at the list's current length.
            var path = $"{key}[{target.Count}]";
            target.Add(read(r, item, path) ?? Placeholder<T>());
        }
    }

    /// <summary>Keeps indices stable when an item cannot be read at all, so later paths still match the files.</summary>
    private static T Placeholder<T>() where T : class => (T)(object)(typeof(T).Name switch
    {
        nameof(EtherstubSpec) => new EtherstubSpec { Name = "" },
        nameof(HostSpec) => new HostSpec { Name = "", Address = System.Net.IPAddress.None },
        nameof(LinkSpec) => new LinkSpec { Name = "" },
        nameof(NetworkSpec) => new NetworkSpec { Name = "", Over = "" },
        nameof(PoolSpec) => new PoolSpec { Name = "", Networks = [] },
        _ => new ZoneSpec { Name = "" },
    });

    private static string? Required(NodeReader r, Dictionary<string, YamlNode> m, string path, string key, string what)
    {
        if (m.TryGetValue(key, out var node))
        {
            return r.String(node, NodeReader.Join(path, key), $"{what} {key}");
        }

        r.Error(path, "key.missing", $"{what} needs '{key}'");
        return null;
    }

    private static void ReadSettings(NodeReader r, YamlNode node, ModelBuilder b)
    {
        var m = r.Mapping(node, "settings", "settings", ["mac-prefix"]);
        if (m is not null && m.TryGetValue("mac-prefix", out var prefixNode) && r.String(prefixNode, "settings.mac-prefix", "mac-prefix") is { } text)
        {
            if (MacPrefix.TryParse(text, out var prefix))
            {
                b.Settings = b.Settings with { MacPrefix = prefix };
            }
            else
            {
                r.Error("settings.mac-prefix", "value.invalid-mac-prefix", $"mac-prefix '{text}' is not 1 to 5 colon-separated hex octets (e.g. 2:8:20)");
            }
        }
    }

    private sealed class ModelBuilder
    {
        public List<HostSpec> Hosts { get; } = [];

        public List<EtherstubSpec> Etherstubs { get; } = [];

        public List<LinkSpec> Links { get; } = [];

        public List<NetworkSpec> Networks { get; } = [];

        public List<PoolSpec> Pools { get; } = [];

        public List<ZoneSpec> Zones { get; } = [];

        public ModelSettings Settings { get; set; } = new();

        public NetworkModel Build() => new()
        {
            Hosts = Hosts.ToEquatableArray(),
            Etherstubs = Etherstubs.ToEquatableArray(),
            Links = Links.ToEquatableArray(),
            Networks = Networks.ToEquatableArray(),
            Pools = Pools.ToEquatableArray(),
            Zones = Zones.ToEquatableArray(),
            Settings = Settings,
        };
    }
}
