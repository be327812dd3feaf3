using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("NetVirt.Tests")]
[assembly: InternalsVisibleTo("NetVirt.Integration")]
[assembly: InternalsVisibleTo("NetVirt.Bench")]
