using NetVirt.Model.Errors;
using NetVirt.Store;
using Npgsql;

namespace NetVirt.Tests.Store;

public sealed class StoreLocationTests
{
    [Theory]
    [InlineData("netvirt.db")]
    [InlineData("/var/lib/netvirt/netvirt.db")]
    [InlineData("./backup:2024.db")]
    public void Parse_Path_IsASqliteFile(string value)
    {
        var address = StoreLocation.Parse(value);
        Assert.Equal(StoreEngine.Sqlite, address.Engine);
        Assert.Equal(Path.GetFullPath(value), address.FilePath);
    }

    [Fact]
    public void Parse_PostgresUri_IsAConnectionWithoutThePasswordInItsName()
    {
        var address = StoreLocation.Parse("postgresql://nv:s3cret@db.example:6543/netvirt?sslmode=require&application_name=nv");
        Assert.Equal(StoreEngine.PostgreSql, address.Engine);
        Assert.Null(address.FilePath);
        var builder = new NpgsqlConnectionStringBuilder(address.ConnectionString);
        Assert.Equal(("db.example", 6543, "nv", "s3cret", "netvirt", SslMode.Require), (builder.Host, builder.Port, builder.Username, builder.Password, builder.Database, builder.SslMode));
        Assert.DoesNotContain("s3cret", address.Display, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", address.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("postgres://u@%2Frun%2Fpostgresql/nv", "/run/postgresql", 5432)]
    [InlineData("postgresql://u@/nv?host=/tmp/pg&port=5433", "/tmp/pg", 5433)]
    [InlineData("postgresql://u@[::1]:5439/nv", "::1", 5439)]
    public void Parse_UnixSocketsAndIpv6_AreHosts(string value, string host, int port)
    {
        var builder = new NpgsqlConnectionStringBuilder(StoreLocation.Parse(value).ConnectionString);
        Assert.Equal((host, port), (builder.Host, builder.Port));
    }

    [Theory]
    [InlineData("mysql://u@h/db", "scheme 'mysql:'")]
    [InlineData("sqlite:netvirt.db", "scheme 'sqlite:'")]
    [InlineData("backup:2024.db", "scheme 'backup:'")]
    [InlineData("postgresql://u:pw@h:99999/db", "port '99999'")]
    [InlineData("postgresql://u@h:5432", "names no database")]
    [InlineData("postgresql://u@h/db?colour=blue", "unknown parameter 'colour'")]
    public void Parse_UriNetVirtCannotUse_IsAClearErrorAndNeverAFile(string value, string expected)
    {
        var ex = Assert.Throws<InvalidInputException>(() => StoreLocation.Parse(value));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(":pw@", ex.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(value));
    }
}
