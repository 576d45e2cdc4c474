using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace VirtualBanker.Core.Observability;

/// <summary>
/// Live counters for <c>/api/metrics</c> and the admin metrics endpoints, mirrored to a
/// <see cref="Meter"/> so OpenTelemetry exporters see the same figures.
/// </summary>
public sealed class MetricsCollector : IDisposable
{
    public const string MeterName = "VirtualBanker";
    public static readonly ActivitySource ActivitySource = new(MeterName);
    private const int RecentErrorCapacity = 20;
    private const int LatencySamples = 512;

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _requestCounter;
    private readonly Histogram<double> _requestDuration;
    private readonly Counter<long> _aiCalls;
    private readonly TimeProvider _clock;
    private readonly long _startedAt;
    private readonly ConcurrentDictionary<string, RouteStats> _routes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ProviderStats> _providers = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<RecentError> _recentErrors = new();
    private long _requests;
    private long _errors;
    private long _authFailures;
    private long _wsConnects;
    private long _wsReconnects;
    private long _aiFallbacks;
    private long _cacheHits;
    private long _cacheMisses;
    private long _handoffSlaBreaches;

    public MetricsCollector(TimeProvider clock)
    {
        _clock = clock;
        _startedAt = clock.GetTimestamp();
        _requestCounter = _meter.CreateCounter<long>("vb.http.requests");
        _requestDuration = _meter.CreateHistogram<double>("vb.http.request.duration", "ms");
        _aiCalls = _meter.CreateCounter<long>("vb.ai.calls");
        _meter.CreateObservableCounter("vb.cache.hits", () => Interlocked.Read(ref _cacheHits));
        _meter.CreateObservableCounter("vb.cache.misses", () => Interlocked.Read(ref _cacheMisses));
        _meter.CreateObservableCounter("vb.handoff.sla_breaches", () => Interlocked.Read(ref _handoffSlaBreaches));
    }

    public double UptimeSeconds => _clock.GetElapsedTime(_startedAt).TotalSeconds;

    /// <summary>Records one finished HTTP request; <paramref name="route"/> is the route template, never the raw path.</summary>
    public void RecordRequest(string route, int status, double elapsedMs)
    {
        Interlocked.Increment(ref _requests);
        if (status >= 500)
        {
            Interlocked.Increment(ref _errors);
            RecordError(route, status);
        }

        if (status is 401 or 403)
        {
            Interlocked.Increment(ref _authFailures);
        }

        _routes.GetOrAdd(route, _ => new RouteStats()).Add(elapsedMs);
        _requestCounter.Add(1, new KeyValuePair<string, object?>("route", route), new KeyValuePair<string, object?>("status", status));
        _requestDuration.Record(elapsedMs, new KeyValuePair<string, object?>("route", route));
    }

    public void RecordWebSocketConnect(bool reconnect)
    {
        Interlocked.Increment(ref _wsConnects);
        if (reconnect)
        {
            Interlocked.Increment(ref _wsReconnects);
        }
    }

    public void RecordAiCall(string provider, double latencyMs, bool failed)
    {
        _providers.GetOrAdd(provider, _ => new ProviderStats()).Add(latencyMs, failed);
        _aiCalls.Add(1, new KeyValuePair<string, object?>("provider", provider), new KeyValuePair<string, object?>("failed", failed));
    }

    public void RecordAiFallback() => Interlocked.Increment(ref _aiFallbacks);

    /// <summary>A customer waited in the staff queue longer than their tenant's <c>handoff.sla_seconds</c>.</summary>
    public void RecordHandoffSlaBreach() => Interlocked.Increment(ref _handoffSlaBreaches);

    public long HandoffSlaBreaches => Interlocked.Read(ref _handoffSlaBreaches);

    public void RecordCache(bool hit) => Interlocked.Increment(ref hit ? ref _cacheHits : ref _cacheMisses);

    private void RecordError(string route, int status)
    {
        _recentErrors.Enqueue(new RecentError(_clock.GetUtcNow().UtcDateTime, route, status));
        while (_recentErrors.Count > RecentErrorCapacity && _recentErrors.TryDequeue(out _))
        {
        }
    }

    public MetricsSnapshot Snapshot()
    {
        var requests = Interlocked.Read(ref _requests);
        var errors = Interlocked.Read(ref _errors);
        var hits = Interlocked.Read(ref _cacheHits);
        var misses = Interlocked.Read(ref _cacheMisses);
        return new MetricsSnapshot(
            Math.Round(UptimeSeconds, 1),
            requests,
            errors,
            Interlocked.Read(ref _authFailures),
            requests == 0 ? 0 : Math.Round(100.0 * errors / requests, 2),
            Interlocked.Read(ref _wsConnects),
            Interlocked.Read(ref _wsReconnects),
            Interlocked.Read(ref _aiFallbacks),
            _providers.ToDictionary(p => p.Key, p => p.Value.Snapshot(), StringComparer.Ordinal),
            hits,
            misses,
            hits + misses == 0 ? 0 : Math.Round(100.0 * hits / (hits + misses), 1),
            _routes.ToDictionary(r => r.Key, r => r.Value.Snapshot(), StringComparer.Ordinal),
            [.. _recentErrors]);
    }

    public void Dispose() => _meter.Dispose();

    private sealed class RouteStats
    {
        private readonly Lock _lock = new();
        private long _calls;
        private double _totalMs;
        private double _maxMs;

        public void Add(double ms)
        {
            lock (_lock)
            {
                _calls++;
                _totalMs += ms;
                _maxMs = Math.Max(_maxMs, ms);
            }
        }

        public RouteTiming Snapshot()
        {
            lock (_lock)
            {
                return new RouteTiming(_calls, _calls == 0 ? 0 : Math.Round(_totalMs / _calls, 1), Math.Round(_maxMs, 1));
            }
        }
    }

    private sealed class ProviderStats
    {
        private readonly Lock _lock = new();
        private readonly double[] _samples = new double[LatencySamples];
        private long _calls;
        private long _errors;
        private double _totalMs;

        public void Add(double ms, bool failed)
        {
            lock (_lock)
            {
                _samples[_calls % LatencySamples] = ms;
                _calls++;
                _totalMs += ms;
                if (failed)
                {
                    _errors++;
                }
            }
        }

        public ProviderTiming Snapshot()
        {
            lock (_lock)
            {
                double? p95 = null;
                if (_calls >= 20)
                {
                    var window = _samples.Take((int)Math.Min(_calls, LatencySamples)).Order().ToArray();
                    p95 = Math.Round(window[(int)Math.Ceiling(0.95 * window.Length) - 1], 1);
                }

                return new ProviderTiming(_calls, _errors, _calls == 0 ? 0 : Math.Round(_totalMs / _calls, 1), p95);
            }
        }
    }
}

public sealed record MetricsSnapshot(
    double UptimeSeconds,
    long Requests,
    long Errors,
    long AuthFailures,
    double ErrorRatePct,
    long WebSocketConnects,
    long WebSocketReconnects,
    long AiFallbacks,
    IReadOnlyDictionary<string, ProviderTiming> AiProviders,
    long CacheHits,
    long CacheMisses,
    double CacheHitRatioPct,
    IReadOnlyDictionary<string, RouteTiming> Routes,
    IReadOnlyList<RecentError> RecentErrors);

public sealed record RouteTiming(long Calls, double AvgMs, double MaxMs);

public sealed record ProviderTiming(long Calls, long Errors, double AvgLatencyMs, double? P95LatencyMs);

public sealed record RecentError(DateTime At, string Route, int Status);
