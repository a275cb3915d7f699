namespace Pytheus.AspNetCore.Tests;

/// <summary>Polls a condition that another thread makes true soon.</summary>
internal static class Eventually
{
    public static async Task<bool> TrueAsync(Func<bool> condition, double timeoutSeconds = 5)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }
            await Task.Delay(10);
        }
        return true;
    }
}
