namespace Pytheus.Tests.Shared;

/// <summary>
/// Tests that change process-wide state (<c>CollectorRegistry.Default</c>, <c>Backend.Current</c>, environment
/// variables) run in this collection, alone, and restore what they change.
/// </summary>
[CollectionDefinition("Globals", DisableParallelization = true)]
public sealed class GlobalsCollection
{
}
