using System.Reflection;
using Pytheus.Backends.InProcess;

namespace Pytheus.Backends;

/// <summary>
/// Chooses the backend that new metrics store their values in: in code with <see cref="LoadBackend(Type?, BackendConfig?)"/>,
/// or by environment (<c>PYTHEUS_BACKEND_CLASS</c>, <c>PYTHEUS_BACKEND_CONFIG</c>). A metric keeps the backend that was
/// current when it was created.
/// </summary>
public static class Backend
{
    /// <summary>Environment variable naming the backend type (assembly-qualified where needed).</summary>
    public const string ClassVariable = "PYTHEUS_BACKEND_CLASS";

    /// <summary>Environment variable holding the path of the backend's JSON configuration file.</summary>
    public const string ConfigVariable = "PYTHEUS_BACKEND_CONFIG";

    private static readonly object Gate = new();
    private static readonly AsyncLocal<IBackend?> Scoped = new();
    private static IBackend? _current;

    /// <summary>
    /// The backend new metrics use. On first use without an explicit load it is resolved from the environment,
    /// so a bad <c>PYTHEUS_BACKEND_CLASS</c> or <c>PYTHEUS_BACKEND_CONFIG</c> throws here (when the first metric is
    /// created) as <see cref="InvalidBackendClassException"/> or <see cref="InvalidBackendConfigException"/>.
    /// </summary>
    public static IBackend Current
    {
        get
        {
            var current = Scoped.Value ?? Volatile.Read(ref _current);
            return current ?? LoadBackend();
        }
    }

    /// <summary>
    /// Makes <paramref name="backend"/> current for metrics created on this thread / async flow until the returned scope
    /// is disposed, without changing the process-wide backend. Lets code (tests running in parallel, a backend's own
    /// self-metrics) create metrics on a given backend: <c>using (Backend.BeginScope(redis)) { new Counter(...); }</c>.
    /// </summary>
    /// <returns>A scope that restores the previous scoped backend when disposed.</returns>
    public static IDisposable BeginScope(IBackend backend)
    {
        ArgumentNullException.ThrowIfNull(backend);
        var previous = Scoped.Value;
        Scoped.Value = backend;
        return new ScopeRestorer(previous);
    }

    /// <summary>
    /// Loads a backend. The type comes from <paramref name="backendType"/>, else <c>PYTHEUS_BACKEND_CLASS</c>, else the
    /// in-process backend; the configuration independently from <paramref name="config"/>, else the JSON file named by
    /// <c>PYTHEUS_BACKEND_CONFIG</c>, else empty. The backend is constructed with the configuration and becomes current.
    /// </summary>
    /// <returns>The new current backend.</returns>
    public static IBackend LoadBackend(Type? backendType = null, BackendConfig? config = null)
    {
        var type = backendType ?? TypeFromEnvironment() ?? typeof(InProcessBackend);
        var resolvedConfig = config ?? ConfigFromEnvironment() ?? BackendConfig.Empty;
        var backend = Create(type, resolvedConfig);
        LoadBackend(backend);
        return backend;
    }

    /// <summary>Makes an already constructed backend current.</summary>
    public static void LoadBackend(IBackend backend)
    {
        ArgumentNullException.ThrowIfNull(backend);
        lock (Gate)
        {
            Volatile.Write(ref _current, backend);
        }
    }

    /// <summary>Resolves a type name the way <c>PYTHEUS_BACKEND_CLASS</c> is resolved.</summary>
    /// <exception cref="InvalidBackendClassException">The type cannot be found or is not an <see cref="IBackend"/>.</exception>
    public static Type ResolveType(string typeName)
    {
        if (string.IsNullOrWhiteSpace(typeName))
        {
            throw new InvalidBackendClassException("Backend class name is empty; give a type name such as 'Pytheus.Backends.Redis.RedisBackend, Pytheus.Redis'.");
        }
        Type? type;
        try
        {
            type = Type.GetType(typeName, throwOnError: false)
                ?? AppDomain.CurrentDomain.GetAssemblies()
                    .Select(a => a.GetType(typeName, throwOnError: false))
                    .FirstOrDefault(t => t is not null);
        }
        catch (Exception e) when (e is FileLoadException or BadImageFormatException or ArgumentException)
        {
            throw new InvalidBackendClassException($"Backend class '{typeName}' could not be loaded: {e.Message}", e);
        }
        if (type is null && typeName.StartsWith("Pytheus.Backends.Redis.", StringComparison.Ordinal))
        {
            // The Redis backend moved from the Pytheus assembly to its own package: say so instead of "not found".
            throw new InvalidBackendClassException(
                $"Backend class '{typeName}' could not be found: the Redis backend lives in the Pytheus.Redis package. Reference it and name the class 'Pytheus.Backends.Redis.RedisBackend, Pytheus.Redis'.");
        }
        if (type is null)
        {
            throw new InvalidBackendClassException(
                $"Backend class '{typeName}' could not be found. Give its full name, assembly-qualified when it lives outside the loaded assemblies (e.g. 'MyCompany.MyBackend, MyCompany.Metrics').");
        }
        if (!typeof(IBackend).IsAssignableFrom(type) || type.IsAbstract || type.IsInterface)
        {
            throw new InvalidBackendClassException($"Backend class '{type.FullName}' is not a concrete {nameof(IBackend)} implementation.");
        }
        return type;
    }

    /// <summary>
    /// Constructs a backend of <paramref name="backendType"/> with <paramref name="config"/> (its constructor taking a
    /// <see cref="BackendConfig"/>, else its parameterless one) without making it current: the one way Pytheus creates
    /// a backend from a type, whether named in code, in <c>PYTHEUS_BACKEND_CLASS</c> or in ASP.NET Core configuration.
    /// </summary>
    /// <exception cref="InvalidBackendClassException">The type is not a concrete <see cref="IBackend"/> or has no usable constructor.</exception>
    /// <exception cref="InvalidBackendConfigException">
    /// The constructor failed; the backend's own error is the inner exception. A <see cref="PytheusException"/> the
    /// constructor throws (a bad setting, named) is thrown as it is.
    /// </exception>
    public static IBackend Create(Type backendType, BackendConfig? config = null)
    {
        ArgumentNullException.ThrowIfNull(backendType);
        var type = backendType;
        config ??= BackendConfig.Empty;
        if (!typeof(IBackend).IsAssignableFrom(type) || type.IsAbstract || type.IsInterface)
        {
            throw new InvalidBackendClassException($"Backend class '{type.FullName}' is not a concrete {nameof(IBackend)} implementation.");
        }
        var withConfig = type.GetConstructor([typeof(BackendConfig)]);
        var parameterless = type.GetConstructor(Type.EmptyTypes);
        if (withConfig is null && parameterless is null)
        {
            throw new InvalidBackendClassException(
                $"Backend class '{type.FullName}' needs a public constructor taking a {nameof(BackendConfig)} or a public parameterless constructor.");
        }
        try
        {
            return (IBackend)(withConfig is not null ? withConfig.Invoke([config]) : parameterless!.Invoke(null));
        }
        catch (TargetInvocationException e) when (e.InnerException is PytheusException inner)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(inner).Throw();
            throw;
        }
        catch (TargetInvocationException e)
        {
            throw new InvalidBackendConfigException(
                $"Backend class '{type.FullName}' failed to initialise: {e.InnerException?.Message}", e.InnerException);
        }
    }

    private static Type? TypeFromEnvironment()
    {
        var name = Environment.GetEnvironmentVariable(ClassVariable);
        return string.IsNullOrEmpty(name) ? null : ResolveType(name);
    }

    private static BackendConfig? ConfigFromEnvironment()
    {
        var path = Environment.GetEnvironmentVariable(ConfigVariable);
        return string.IsNullOrEmpty(path) ? null : BackendConfig.FromJsonFile(path);
    }

    private sealed class ScopeRestorer(IBackend? previous) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (!_disposed)
            {
                _disposed = true;
                Scoped.Value = previous;
            }
        }
    }
}
