using System.Runtime.CompilerServices;

// Every P/Invoke in this assembly is a [LibraryImport] whose stub is generated at compile time; with runtime
// marshalling disabled, a signature that would need hidden runtime marshalling fails to compile instead.
[assembly: DisableRuntimeMarshalling]
[assembly: InternalsVisibleTo("NetVirt.Tests")]
