using System.Security.Cryptography;
using System.Text;

namespace Pytheus.Exposition;

/// <summary>
/// HTTP basic authentication of scrapers with one user name and password, compared in constant time. Use it over HTTPS
/// or on a trusted network only: basic credentials travel in clear text.
/// </summary>
public sealed class BasicAuthentication
{
    /// <summary>The <c>WWW-Authenticate</c> header of a 401 answer.</summary>
    public const string Challenge = "Basic realm=\"metrics\", charset=\"UTF-8\"";

    private readonly byte[] _expected;

    /// <summary>Accepts scrapers presenting <paramref name="userName"/> and <paramref name="password"/>.</summary>
    /// <exception cref="ArgumentException">Either is null or empty.</exception>
    public BasicAuthentication(string userName, string password)
    {
        ArgumentException.ThrowIfNullOrEmpty(userName);
        ArgumentException.ThrowIfNullOrEmpty(password);
        _expected = Encoding.UTF8.GetBytes(Convert.ToBase64String(Encoding.UTF8.GetBytes($"{userName}:{password}")));
    }

    /// <summary>
    /// The check for options with optional <c>BasicAuthenticationUserName</c> and <c>BasicAuthenticationPassword</c>
    /// properties: null when neither is set.
    /// </summary>
    /// <param name="userName">The options' user name.</param>
    /// <param name="password">The options' password.</param>
    /// <param name="paramName">The options parameter, for the exception.</param>
    /// <exception cref="ArgumentException">Only one of them is set.</exception>
    public static BasicAuthentication? FromOptions(string? userName, string? password, string? paramName = null)
    {
        if (userName is null && password is null)
        {
            return null;
        }
        if (string.IsNullOrEmpty(userName) || string.IsNullOrEmpty(password))
        {
            throw new ArgumentException("BasicAuthenticationUserName and BasicAuthenticationPassword must both be set, or neither.", paramName);
        }
        return new BasicAuthentication(userName, password);
    }

    /// <summary>Whether an <c>Authorization</c> header value carries the expected credentials.</summary>
    public bool IsAuthorized(string? authorization)
    {
        const string scheme = "Basic ";
        if (authorization is null || !authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        var given = Encoding.UTF8.GetBytes(authorization.AsSpan(scheme.Length).Trim().ToString());
        return CryptographicOperations.FixedTimeEquals(given, _expected);
    }
}
