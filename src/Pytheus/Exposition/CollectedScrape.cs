namespace Pytheus.Exposition;

/// <summary>
/// One collection and the bodies rendered from it, each variant (format, gzip) once, shared by every request that
/// joined the collection: a burst of scrapes holds one copy of the text, not one per request.
/// </summary>
internal sealed class CollectedScrape
{
    private readonly IReadOnlyList<MetricSnapshot> _metrics;
    private readonly Dictionary<ScrapeResponse, Task<ReadOnlyMemory<byte>>> _bodies = [];

    public CollectedScrape(IReadOnlyList<MetricSnapshot> metrics) => _metrics = metrics;

    public Task<ReadOnlyMemory<byte>> BodyAsync(ScrapeResponse answer)
    {
        lock (_bodies)
        {
            if (!_bodies.TryGetValue(answer, out var body))
            {
                // Rendered off the lock's holder so that requests for another variant are not held up by this one.
                body = Task.Run(() => RenderAsync(answer));
                _bodies[answer] = body;
            }
            return body;
        }
    }

    private async Task<ReadOnlyMemory<byte>> RenderAsync(ScrapeResponse answer)
    {
        var buffer = new MemoryStream();
        await answer.WriteAsync(buffer, _metrics).ConfigureAwait(false);
        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }
}
