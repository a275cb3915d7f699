namespace Pytheus.Compat.PrometheusNet.Patching;

/// <summary>
/// A CoreCLR major version the engine was validated against, identified by the JIT-EE interface GUID its JIT
/// reports. The GUID changes whenever the interface between JIT and runtime changes (including the
/// <c>CORINFO_METHOD_INFO</c> layout the compile hook edits), so an unknown GUID means "do not touch".
/// </summary>
internal sealed record KnownRuntime(int Major, Guid JitEeGuid, string ValidatedOn)
{
    /// <summary>Runtimes the probe suite passed on (linux-x64).</summary>
    public static readonly IReadOnlyList<KnownRuntime> All =
    [
        new(8, new Guid("4bceb905-d550-4a5d-b1eb-276fff68d183"), "8.0.31"),
        new(9, new Guid("d6218a78-9a34-4c6f-8db5-077a06022fae"), "9.0.20"),
        new(10, new Guid("7a8cbc56-9e19-4321-80b9-a0d2c578c945"), "10.0.12"),
    ];
}
