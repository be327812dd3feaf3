namespace NetVirt.Api.Observability;

/// <summary>How <c>netvirt serve</c> writes its log (<c>--log-format</c>).</summary>
public enum LogFormat
{
    /// <summary>One line per event: UTC timestamp, level, category, message.</summary>
    Text,

    /// <summary>One JSON object per line (timestamp, level, category, message, state, scopes), for log shippers.</summary>
    Json,
}
