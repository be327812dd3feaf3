using NetVirt.Api.Views.Topology;
using NetVirt.Store.DesiredState;

namespace NetVirt.Cli.Output;

/// <summary><c>netvirt show topology</c>: the view model as JSON (<c>--output json</c>) or rendered as text, DOT, Mermaid or SVG.</summary>
public static class TopologyPrinter
{
    /// <summary>Prints the topology of <paramref name="state"/>.</summary>
    public static void Print(CliContext context, StoredState state, string format)
    {
        ArgumentNullException.ThrowIfNull(context);
        var view = TopologyFormats.View(state, context.Target, context.BackendOptions.Prefix);
        if (context.Json)
        {
            context.WriteJson(view);
            return;
        }

        context.Stdout.Write(TopologyFormats.Render(view, format).Text);
    }
}
