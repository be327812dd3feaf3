using System.Net;
using System.Text.RegularExpressions;
using CsCheck;
using NetVirt.Cli;
using NetVirt.Documents;
using NetVirt.Model.Validation;
using NetVirt.Store;
using NetVirt.Tests.Api;
using NetVirt.Tests.Support;
using Xunit.Abstractions;

namespace NetVirt.Tests.Fuzz;

/// <summary>
/// Valid documents and API bodies, mutated at random with the kinds of input the hostile pass used (deep nesting,
/// aliases, octal-looking addresses, special-purpose subnets, huge numbers, control characters, broken syntax), and
/// sent to the command line and the API. Whatever comes in: the CLI exits 0 or 2 and the API answers 2xx or 4xx,
/// nothing crashes, a refusal leaves the store exactly as it was, and an accepted document exports as it was stored.
/// CsCheck shrinks a failure to a small case and prints the seed to replay it (CsCheck_Seed). Each test prints how many
/// cases it ran and what they came to; NETVIRT_FUZZ_CASES=N runs N instead of 150 (thousands pass; the unit suite keeps
/// it to a few seconds).
/// </summary>
[Collection(nameof(HostileInputPropertyTests))]
public sealed partial class HostileInputPropertyTests(ITestOutputHelper output)
{
    private static readonly int Cases = int.TryParse(Environment.GetEnvironmentVariable("NETVIRT_FUZZ_CASES"), out var n) ? n : 150;

    /// <summary>What the hostile pass threw at NetVirt, and the values that sit next to the edges.</summary>
    private static readonly string[] Tokens =
    [
        "10.100.0.010", "010.1.2.3", "10.1", "0x0a000001", "10.100.0.5/24", "fd00::1/128", "fd00::/127", "10.9.0.7/32", "10.9.0.0/31",
        "::/0", "0.0.0.0/0", "127.0.0.0/8", "::1/128", "224.0.0.0/4", "ff02::/16", "169.254.0.0/16", "fe80::/64", "::ffff:0:0/96",
        "::ffff:10.100.0.9", "10.100.0.0/24", "10.100.0.1", "10.100.0.255", "fd10:100::1", "auto", "addrconf", "dhcp",
        "99999999999999999999G", "1000G", "1001G", "1199K", "0", "-1", "4095", "4094", "9001", "2147483648", "1e400", "1.5",
        "3:0:0", "2:8:20:0:0", "ff:ff:ff:ff:ff:ff", "00:00:00:00:00:00", "\"web1\\n\"", "\"a\\u0000b\"", "\"\\u001b[2J\\u0007\"", "\"x\\ty\"",
        "\"\\u202eevil\"", "net0", "net01", "stub0", "acme", "globex", "mgmt", "a-b", "-", "~", "null", "true", "[]", "{}", "''", "\"\"",
        "&a x", "*a", "*nope", "!!binary AA==", "!!python/object x", "[[[[[[[[", "]]]]", "{{", "'", "\"", ": :", "#", "%YAML 1.1", "@",
        "`", "|", ">-", "? x", "---", "...", new string('x', 300), new string('[', 2_000), "a: &a [*a]",
    ];

    private static readonly Gen<Mutation> AnyMutation = Gen.Select(Gen.Int[0, 9], Gen.Int[0, 1_000_000], Gen.Int[0, 1_000_000], Gen.OneOf(Tokens))
        .Select((kind, at, other, token) => new Mutation(kind, at, other, token));

    private static readonly Gen<Mutation[]> Mutations = AnyMutation.Array[1, 4];

    [Fact]
    public async Task Cli_MutatedDocuments_ExitZeroOrTwo_RefusalsChangeNothing_AcceptedOnesExportAsStored()
    {
        using var db = new TempDatabase();
        var store = db.Open();
        var sample = await File.ReadAllTextAsync(RepoPaths.MultiTenantSample);
        var small = """
            etherstubs: [{ name: stub0 }]
            networks:
              - { name: acme, tenant: acme, over: stub0, vlan: 100, ipv4: { subnet: 10.100.0.0/24, gateway: 10.100.0.1 }, reserved: [{ address: 10.100.0.5 }] }
            zones:
              - name: c1
                description: first
                vnics: [{ name: net0, network: acme, maxbw: 100M, addresses: [{ tag: v4, address: auto }] }]
            """;
        store.Replace(Models.Sample(), HostTarget.Linux);
        var file = Path.Combine(db.Directory, "mutated.yaml");
        var outcomes = new Dictionary<int, int>();
        var runs = 0;

        await Gen.Select(Gen.Bool, Mutations).SampleAsync(async (useSample, mutations) =>
        {
            var text = Apply(useSample ? sample : small, mutations);
            await File.WriteAllTextAsync(file, text);
            var before = store.Load();
            var stdout = new StringWriter();
            var stderr = new StringWriter();

            var exit = await Program.RunAsync(["--db", db.Path, "--target", "linux", "apply", "--store-only", "-f", file], stdout, stderr);

            runs++;
            outcomes[exit] = outcomes.GetValueOrDefault(exit) + 1;
            Assert.True(exit is ExitCodes.Ok or ExitCodes.InvalidInput, $"exit {exit}\n{stderr}");
            Assert.DoesNotContain("internal error", stderr.ToString(), StringComparison.Ordinal);
            if (exit == ExitCodes.InvalidInput)
            {
                Assert.Equal(before, store.Load());
                return;
            }

            // Stored: what export writes reads back as what was stored, control characters and all.
            var after = store.Load();
            var exported = DocumentLoader.Load("export.yaml", DocumentWriter.Write(after.Authored));
            Assert.True(exported.IsValid, string.Join("\n", exported.Errors));
            Assert.Equal(after.Authored, exported.Model);
            if (NetVirtStore.IsEmpty(after.Authored))
            {
                store.Replace(Models.Sample(), HostTarget.Linux);
            }
        }, iter: Cases, threads: 1, print: p => $"sample={p.Item1} mutations=[{string.Join(", ", p.Item2.Select(m => m.ToString()))}]");

        output.WriteLine($"CLI: {runs} mutated documents; exit codes {string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key}: {o.Value}"))}");
        Assert.True(runs >= Cases);
        Assert.True(outcomes.GetValueOrDefault(ExitCodes.InvalidInput) > 0 && outcomes.GetValueOrDefault(ExitCodes.Ok) > 0, "the mutations should both break and keep documents");
    }

    [Fact]
    public async Task Api_MutatedBodiesAndQueries_Answer2xxOr4x_RefusalsChangeNothing()
    {
        await using var api = await ApiTestHost.StartAsync();
        await api.SeedAsync();
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsync("/vnics", """{"zone": "c1", "network": "acme"}""")).StatusCode);
        (HttpMethod Method, string Path, string Body)[] requests =
        [
            (HttpMethod.Post, "/vnics", """{"zone": "c2", "network": "acme", "maxbw": "100M", "addresses": [{"tag": "v4", "address": "auto", "family": "ipv4"}]}"""),
            (HttpMethod.Post, "/networks", """{"name": "globex", "tenant": "globex", "over": "stub0", "vlan": 200, "ipv4": {"subnet": "10.200.0.0/24", "gateway": "10.200.0.1"}}"""),
            (HttpMethod.Put, "/networks/acme", """{"name": "acme", "tenant": "acme", "over": "stub0", "vlan": 100, "ipv4": {"subnet": "10.100.0.0/24", "gateway": "10.100.0.1", "range": {"start": "10.100.0.10", "end": "10.100.0.250"}}, "ipv6": {"subnet": "fd10:100::/64", "gateway": "fd10:100::1"}}"""),
            (HttpMethod.Post, "/reservations", """{"network": "acme", "start": "10.100.0.200", "end": "10.100.0.210", "note": "vip"}"""),
            (HttpMethod.Post, "/zones", """{"name": "z9", "vnics": [{"name": "net0", "network": "acme", "addresses": [{"tag": "v4", "address": "auto", "family": "ipv4"}]}]}"""),
            (HttpMethod.Post, "/etherstubs", """{"name": "stub1", "mtu": 9000}"""),
            (HttpMethod.Put, "/state?dryRun=true", """{"etherstubs": [{"name": "stub0"}], "networks": [{"name": "acme", "over": "stub0", "vlan": 100, "ipv4": {"subnet": "10.100.0.0/24"}}]}"""),
            (HttpMethod.Post, "/plan", """{"etherstubs": [{"name": "stub0"}], "networks": [{"name": "acme", "over": "stub0", "vlan": 100, "ipv4": {"subnet": "10.100.0.0/24"}}]}"""),
            (HttpMethod.Get, "/vnics?zone=c1&network=acme", ""),
            (HttpMethod.Get, "/ips/10.100.0.10", ""),
            (HttpMethod.Get, "/networks/acme/ips/free?family=ipv4", ""),
            (HttpMethod.Delete, "/reservations/acme/10.100.0.200-10.100.0.210", ""),
            (HttpMethod.Get, "/networks/acme/ips/next?family=ipv4", ""),
            (HttpMethod.Get, "/topology?format=svg", ""),
            (HttpMethod.Get, "/audits/1/files/report.json", ""),
            (HttpMethod.Get, "/runs/1?wait=1", ""),
        ];
        var statuses = new Dictionary<int, int>();
        var runs = 0;

        await Gen.Select(Gen.Int[0, requests.Length - 1], Mutations).SampleAsync(async (which, mutations) =>
        {
            var (method, path, body) = requests[which];
            string target;
            string? content = null;
            if (body.Length == 0)
            {
                // Queries and path segments: the token goes in as one escaped value, where a name or address belongs.
                var places = QueryValue().Matches(path);
                var place = places[mutations[0].At % places.Count];
                target = path[..(place.Index + 1)] + Uri.EscapeDataString(mutations[0].Token) + path[(place.Index + place.Length)..];
            }
            else
            {
                target = path;
                content = Apply(body, mutations);
            }

            var before = await StateAsync(api);
            using var request = new HttpRequestMessage(method, target) { Content = content is null ? null : ApiTestHost.Json(content) };
            using var response = await api.Client.SendAsync(request);
            var answer = await response.Content.ReadAsStringAsync();

            runs++;
            statuses[(int)response.StatusCode] = statuses.GetValueOrDefault((int)response.StatusCode) + 1;
            Assert.True((int)response.StatusCode is >= 200 and < 500, $"{method} {target} -> {(int)response.StatusCode}\n{content}\n{answer}");
            if ((int)response.StatusCode >= 400)
            {
                Assert.DoesNotContain("   at ", answer, StringComparison.Ordinal);
                Assert.Equal(before, await StateAsync(api));
            }
        }, iter: Cases, threads: 1, print: p => $"request={p.Item1} mutations=[{string.Join(", ", p.Item2.Select(m => m.ToString()))}]");

        output.WriteLine($"API: {runs} mutated requests; statuses {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}"))}");
        Assert.True(runs >= Cases);
        Assert.Equal("ok", (await api.GetJsonAsync("/healthz")).GetProperty("status").GetString());
    }

    /// <summary>The whole resolved state and its generation: what a refusal must leave untouched.</summary>
    private static async Task<string> StateAsync(ApiTestHost api)
    {
        using var response = await api.Client.GetAsync("/state?resolved=true");
        return $"{response.Headers.ETag}\n{await response.Content.ReadAsStringAsync()}";
    }

    private static string Apply(string text, IEnumerable<Mutation> mutations) => mutations.Aggregate(text, (t, m) => m.Apply(t));

    /// <summary>A path segment after the first, or a query value: where a request names an object or an address.</summary>
    [GeneratedRegex(@"(?<=.)/[^/?=&]+|=[^/?=&]*")]
    private static partial Regex QueryValue();

    /// <summary>One change to a document's text: a value, a key or a line replaced, something inserted, cut or repeated.</summary>
    private sealed partial record Mutation(int Kind, int At, int Other, string Token)
    {
        public string Apply(string text)
        {
            var lines = text.Split('\n').ToList();
            switch (Kind)
            {
                case 0 or 1 or 2:
                    // The most telling change: a value replaced by a hostile one, where a document has a value.
                    var values = Value().Matches(text);
                    if (values.Count == 0)
                    {
                        return text + Token;
                    }

                    var value = values[At % values.Count];
                    return text[..value.Index] + Token + text[(value.Index + value.Length)..];
                case 3:
                    var keys = Key().Matches(text);
                    if (keys.Count == 0)
                    {
                        return Token + text;
                    }

                    var key = keys[At % keys.Count];
                    return text[..key.Index] + Token.Trim('"') + text[(key.Index + key.Length)..];
                case 4:
                    var at = At % (text.Length + 1);
                    return text[..at] + Token + text[at..];
                case 5:
                    var from = At % (text.Length + 1);
                    return text[..from] + text[Math.Min(text.Length, from + (Other % 40) + 1)..];
                case 6:
                    var line = At % lines.Count;
                    lines.Insert(line, lines[line]);
                    return string.Join('\n', lines);
                case 7:
                    lines.RemoveAt(At % lines.Count);
                    return string.Join('\n', lines);
                case 8:
                    var (a, b) = (At % lines.Count, Other % lines.Count);
                    (lines[a], lines[b]) = (lines[b], lines[a]);
                    return string.Join('\n', lines);
                default:
                    return text[..(At % (text.Length + 1))];
            }
        }

        public override string ToString() => $"{Kind}@{At}/{Other}:{(Token.Length > 20 ? Token[..20] + "…" : Token)}";

        // A scalar after "key: " or "\"key\": " up to the end of the value (a comma, a closing bracket or the line's end).
        [GeneratedRegex(@"(?<=: )(""[^""\n]*""|[^\s,{}\[\]][^,{}\[\]\n]*)")]
        private static partial Regex Value();

        [GeneratedRegex(@"[A-Za-z][A-Za-z0-9-]*(?=""?: )")]
        private static partial Regex Key();
    }
}
