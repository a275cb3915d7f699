using System.Reflection;
using Pytheus.Compat.PrometheusNet.Patching;

namespace LegacyWorker;

/// <summary>The real engine for the first <c>succeed</c> redirects, then a refusal, as on an unknown platform.</summary>
internal sealed class RefusingDetourer(int succeed) : IMethodDetourer
{
    private readonly IMethodDetourer _engine = MethodDetourer.Create();
    private int _made;

    public IMethodDetour Redirect(MethodBase target, MethodInfo replacement) =>
        _made++ < succeed ? _engine.Redirect(target, replacement) : throw new PlatformNotSupportedException("refused for the test");
}
