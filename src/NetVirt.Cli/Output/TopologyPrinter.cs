using NetVirt.Api.Views.Topology;

namespace NetVirt.Cli.Output;

/// <summary><c>netvirt show topology</c>: the view model as JSON (<c>--output json</c>) or rendered as text, DOT, Mermaid or SVG.</summary>
public static class TopologyPrinter
{
    /// <summary>Prints <paramref name="view"/>.</summary>
    public static void Print(CliContext context, TopologyView view, string format)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Json)
        {
            context.WriteJson(view);
            return;
        }

        context.Stdout.Write(TopologyFormats.Render(view, format).Text);
    }
}
