// Linked into netvirt-cni only (NetVirt.Cni.Plugin.csproj). Why: before Main, the .NET runtime looks for its cgroup
// twice (for the CPU count and for the GC's memory limit) by reading all of /proc/self/mountinfo, which the kernel
// writes out anew on every read, one line per mount. A container host has a mount or more per container (its network
// namespace under /run/netns, its root, its /dev/shm): with 1,000 namespaces this cost the plugin 4 ms of its 6.6 ms
// per start, and runtimes start it four times per container (docs/performance.md, CNI, "fourth look").
//
// The executable's own fopen64 takes precedence over libc's for the runtime linked into it. For /proc/self/mountinfo it
// answers "no such file", which the runtime reads as "no cgroup": it then uses the CPUs it may run on
// (sched_getaffinity) and the machine's memory. A plugin execution needs a few MB for a few ms, so neither limit
// matters to it. Every other path goes to libc's fopen64 unchanged.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

typedef FILE *(*fopen64_fn)(const char *, const char *);

FILE *fopen64(const char *path, const char *mode)
{
    static fopen64_fn libc_fopen64;
    if (path != NULL && strcmp(path, "/proc/self/mountinfo") == 0)
    {
        errno = ENOENT;
        return NULL;
    }

    if (libc_fopen64 == NULL)
    {
        libc_fopen64 = (fopen64_fn)dlsym(RTLD_NEXT, "fopen64");
        if (libc_fopen64 == NULL)
        {
            errno = ENOSYS;
            return NULL;
        }
    }

    return libc_fopen64(path, mode);
}
