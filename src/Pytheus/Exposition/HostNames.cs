using System.Net;

namespace Pytheus.Exposition;

/// <summary>What a metrics server's bind address says about who can reach it.</summary>
internal static class HostNames
{
    /// <summary>Whether <paramref name="host"/> (a name or an IP address, IPv6 possibly in brackets) is reachable from this machine only.</summary>
    public static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
