namespace Pytheus.Redis.Tests;

/// <summary>
/// Makes application calls (<c>Inc</c>, <c>Set</c>, <c>Observe</c>) as the application would, while a fault is in
/// place, and records what a caller would have seen: every exception, and whether the calls returned at all before the
/// test lifted the fault (a caller that waited on Redis would still be blocked: the bound is generous, it is not a timing
/// assertion).
/// </summary>
internal sealed class HotPath
{
    private readonly List<Exception> _exceptions = [];

    public IReadOnlyList<Exception> Exceptions => _exceptions;

    public void Run(Action calls)
    {
        var task = Task.Run(() =>
        {
            try
            {
                calls();
            }
            catch (Exception e)
            {
                lock (_exceptions)
                {
                    _exceptions.Add(e);
                }
            }
        });
        task.Wait(TimeSpan.FromSeconds(30)).ShouldBeTrue("the application's calls waited on Redis");
    }

    public void ShouldHaveSeenNoException() => _exceptions.ShouldBeEmpty(string.Join("\n", _exceptions));
}
