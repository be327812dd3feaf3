using NetVirt.Documents;

namespace NetVirt.Tests.Documents;

public sealed class DocumentDigestTests
{
    private static string Digest(string context, params string[] texts) =>
        DocumentDigest.Of([.. texts.Select((t, i) => new DocumentSource($"f{i}.yaml", t))], context);

    [Fact]
    public void SameTextsAndContext_SameDigest_WhateverTheFilesAreCalled()
    {
        var a = DocumentDigest.Of([new DocumentSource("a.yaml", "zones: []\n")], "linux");
        var b = DocumentDigest.Of([new DocumentSource("/elsewhere/b.yaml", "zones: []\n")], "linux");
        Assert.Equal(a, b);
        Assert.Matches("^[0-9a-f]{64}$", a);
    }

    [Fact]
    public void AnythingThatChangesWhatIsStored_ChangesTheDigest()
    {
        var digest = Digest("linux", "version: 1\n", "zones: []\n");
        Assert.NotEqual(digest, Digest("illumos", "version: 1\n", "zones: []\n")); // the target
        Assert.NotEqual(digest, Digest("linux", "zones: []\n", "version: 1\n")); // the order of the files
        Assert.NotEqual(digest, Digest("linux", "version: 1\nz", "ones: []\n")); // where one file ends
        Assert.NotEqual(digest, Digest("linux", "version: 1\n", "zones: [] \n")); // one character
        Assert.NotEqual(digest, Digest("linux", "version: 1\n", "zones: []\n", "")); // one more, empty, file
        Assert.NotEqual(Digest("linux", "\uFFFD"), Digest("linux", "\uD800")); // no encoding step in between
    }
}
