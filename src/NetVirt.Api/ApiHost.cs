using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NetVirt.Api.Cni;
using NetVirt.Api.Dashboard;
using NetVirt.Api.Endpoints;
using NetVirt.Api.Errors;
using NetVirt.Api.Hosting;
using NetVirt.Api.Reconcile;
using NetVirt.Api.Security;
using NetVirt.Backends.Execution;
using NetVirt.Model.Errors;
using NetVirt.Reconciliation.Auditing;
using NetVirt.Store;

namespace NetVirt.Api;

/// <summary>
/// Builds the NetVirt HTTP server: Minimal API endpoint groups per resource over one store, the reconcile service
/// as a hosted service, problem documents for every error, bearer tokens, a body size limit and the OpenAPI
/// document at <c>/openapi/v1.json</c>.
/// </summary>
public static class ApiHost
{
    /// <summary>
    /// Builds the application. Refuses (with <see cref="InvalidInputException"/>) to listen beyond loopback without
    /// tokens. <paramref name="configure"/> lets tests swap the server for the in-memory test host, and
    /// <paramref name="auditor"/> the host's auditor for a fake one.
    /// </summary>
    public static WebApplication Build(
        ApiOptions options, ApiTokens tokens, Func<CancellationToken, Task<IHostBackend>> backendFactory,
        Action<WebApplicationBuilder>? configure = null, TimeProvider? time = null, Func<NetVirtStore, Auditor>? auditor = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(backendFactory);
        if (options.MaxBodyBytes < 1)
        {
            throw new InvalidInputException($"--max-body-bytes {options.MaxBodyBytes} is not a size; give the largest request body to accept, in bytes (default {Hosting.RequestBody.DefaultLimit})");
        }

        // Every URL is read as Kestrel will bind it; one it cannot bind is refused here, in one line, not by a stack trace at start.
        var reaches = ListenUrls.Check(options.Urls);
        if (!tokens.Required && reaches.FirstOrDefault(u => u.Reach != ListenUrls.Reach.Loopback) is { Url: { } exposed })
        {
            throw new InvalidInputException($"refusing to listen on {exposed} without a token: anyone who can reach it could change this host; drop '--auth none' or listen on 127.0.0.1 (only localhost or a literal loopback address counts)");
        }

        if (options.Socket is { } socket)
        {
            Cni.UnixSocketPeer.Prepare(Cni.DaemonSocket.Check(socket));
        }

        Observability.PhaseTrace.EnableFromEnvironment();
        // The host reads no files of its own, so it watches none: by default it would watch its content root, the working
        // directory, recursively for appsettings.json. Started from / that was an inotify watch on every directory of the
        // host (28,809 here) and a wake-up for every file written anywhere; started beside its database, every commit
        // woke it (a CNI ADD took 13-14 ms instead of 9; docs/performance.md, issue 12, sixth pass).
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = "Production",
        });
        // The plugin's socket is one more Kestrel URL; the peer check below refuses any user but root and the server's.
        builder.WebHost.UseUrls([.. options.Urls, .. options.Socket is { } path ? [$"http://unix:{path}"] : Array.Empty<string>()]);
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.MaxBodyBytes;
            Cni.UnixSocketPeer.Configure(kestrel, kestrel.ApplicationServices.GetRequiredService<ILoggerFactory>());
        });
        ConfigureLogging(builder.Logging, options.LogFormat);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        // Until the host has started, its own failure ("Hosting failed to start", a taken port) is the caller's to report
        // in one line (netvirt serve does); the host would log it with a stack trace first. From then on it logs as usual.
        IHostApplicationLifetime? lifetime = null;
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host",
            level => level >= LogLevel.Information && (lifetime?.ApplicationStarted.IsCancellationRequested == true || level >= LogLevel.Critical));

        var services = builder.Services;
        services.ConfigureHttpJsonOptions(json => ApiJson.Configure(json.SerializerOptions));
        services.AddProblemDetails();
        services.AddOpenApi(openApi => openApi.AddSchemaTransformer((schema, context, _) =>
        {
            // Address counts are exact JSON integers of any size (Views.UInt128JsonConverter).
            if (context.JsonTypeInfo.Type == typeof(UInt128))
            {
                schema.Type = Microsoft.OpenApi.JsonSchemaType.Integer;
                schema.Minimum = "0";
            }

            return Task.CompletedTask;
        }));
        services.AddSingleton(options);
        services.AddSingleton(tokens);
        services.AddSingleton(time ?? TimeProvider.System);
        services.AddSingleton(sp => NetVirtStore.Open(options.Database, sp.GetRequiredService<TimeProvider>(), options.BusyTimeout));
        // A server commits all day: checkpoint the WAL on a timer instead of inside whichever write fills it.
        services.AddSingleton(sp => new BackgroundCheckpoints(sp.GetRequiredService<NetVirtStore>().Database.CheckpointInBackground(TimeSpan.FromSeconds(1))));
        services.AddSingleton(sp => new ReconcileService(
            sp.GetRequiredService<NetVirtStore>(), backendFactory, options.Reconcile, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ReconcileService>>()));
        services.AddHostedService(sp => sp.GetRequiredService<ReconcileService>());
        // The audit probes the host this server manages; tests give a fake fabric instead.
        auditor ??= store => Auditor.ForHost(store, options.Target, options.Prefix);
        services.AddSingleton(sp => new ApiState(sp.GetRequiredService<NetVirtStore>(), options.Target, sp.GetRequiredService<ReconcileService>(), options.WriteWait, auditor) { Time = sp.GetRequiredService<TimeProvider>(), AuditDirectory = options.AuditDirectory is { } dir ? Path.GetFullPath(dir) : null });
        services.AddSingleton(sp => new VnicBatcher(sp.GetRequiredService<ApiState>()));
        services.AddSingleton(sp => new Cni.ContainerAttachments(sp.GetRequiredService<ApiState>()));
        services.AddSingleton(sp => new Observability.ApiMetrics(sp.GetRequiredService<NetVirtStore>(), sp.GetRequiredService<ReconcileService>()));
        configure?.Invoke(builder);

        var app = builder.Build();
        lifetime = app.Lifetime;
        app.Services.GetRequiredService<BackgroundCheckpoints>();
        // The change feed's listener (a PostgreSQL connection of its own) ends with the server.
        app.Lifetime.ApplicationStopping.Register(() => app.Services.GetRequiredService<NetVirtStore>().StopChangeFeed());
        // Outermost, so every request is logged and counted once, refused and failed ones too.
        app.UseMiddleware<Observability.AccessLog>();
        app.UseMiddleware<ErrorHandling>();
        app.UseStatusCodePages();
        app.UseMiddleware<TokenAuthentication>();
        app.UseMiddleware<OpenApi.OpenApiRewriting>();
        app.MapOpenApi();
        app.MapHealthEndpoints();
        app.MapStateEndpoints();
        app.MapEtherstubEndpoints();
        app.MapNetworkEndpoints();
        app.MapIpEndpoints();
        app.MapPoolEndpoints();
        app.MapZoneEndpoints();
        app.MapVnicEndpoints();
        app.MapReservationEndpoints();
        app.MapReconcileEndpoints();
        app.MapHistoryEndpoints();
        app.MapAuditEndpoints();
        app.MapAuditFileEndpoints();
        app.MapTopologyEndpoints();
        app.MapEventEndpoints();
        app.MapHostEndpoints();
        app.MapMetricsEndpoints();
        app.MapDashboard();
        app.MapCniEndpoints();
        if (options.Socket is { } bound)
        {
            // Kestrel creates the socket file when it binds (at start); from then on it is root's only.
            app.Lifetime.ApplicationStarted.Register(() => Cni.UnixSocketPeer.Restrict(bound));
        }

        return app;
    }

    /// <summary>
    /// Log lines carry a UTC timestamp (ISO 8601), in text or as JSON objects. JSON includes the scopes, so a reconcile
    /// run's events carry its run id, kind and generation, and a request's events its trace id.
    /// </summary>
    private static void ConfigureLogging(ILoggingBuilder logging, Observability.LogFormat format)
    {
        const string Timestamp = "yyyy-MM-ddTHH:mm:ss.fffZ";
        logging.ClearProviders();
        if (format == Observability.LogFormat.Json)
        {
            logging.AddJsonConsole(o =>
            {
                o.TimestampFormat = Timestamp;
                o.UseUtcTimestamp = true;
                o.IncludeScopes = true;
            });
        }
        else
        {
            logging.AddSimpleConsole(o =>
            {
                o.TimestampFormat = Timestamp + " ";
                o.UseUtcTimestamp = true;
                o.SingleLine = true;
                // One readable line per event; the messages name their run. JSON carries the scopes for machines.
                o.IncludeScopes = false;
            });
        }
    }

    /// <summary>
    /// True when <paramref name="url"/> listens on a loopback address only (<c>localhost</c>, 127.0.0.0/8, <c>::1</c>),
    /// read as Kestrel binds it (<see cref="ListenUrls"/>); false for anything else, including URLs Kestrel cannot bind.
    /// </summary>
    public static bool IsLoopback(string url)
    {
        try
        {
            return ListenUrls.Classify(url) == ListenUrls.Reach.Loopback;
        }
        catch (InvalidInputException)
        {
            return false;
        }
    }
}
