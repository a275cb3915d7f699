namespace Pytheus.AspNetCore.Tests;

/// <summary>
/// Tests that change process-wide state (<c>Backend.Current</c>, <c>CollectorRegistry.Default</c>, environment
/// variables) run in this collection, alone, and restore what they change.
/// </summary>
[CollectionDefinition("Globals", DisableParallelization = true)]
public sealed class GlobalsCollection
{
}
