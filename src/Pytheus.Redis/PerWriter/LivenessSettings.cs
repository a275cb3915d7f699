namespace Pytheus.Backends.Redis;

/// <summary>How writer liveness is judged, derived from the backend's options.</summary>
/// <param name="LivenessTimeout">Silence after which this writer is to be taken for dead: three heartbeat periods plus the grace.</param>
/// <param name="DeadWriterRetention">How long a dead writer's per-writer values stay (shown by the non-live modes) before they are removed.</param>
/// <param name="KeyTimeToLive">TTL of the liveness and per-writer keys (the backend's key expiry).</param>
/// <param name="HeartbeatPeriod">How often this writer beats and sends its changed values.</param>
internal sealed record LivenessSettings(TimeSpan LivenessTimeout, TimeSpan DeadWriterRetention, TimeSpan KeyTimeToLive, TimeSpan HeartbeatPeriod);
