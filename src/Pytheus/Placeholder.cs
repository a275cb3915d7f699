namespace Pytheus; internal static class Placeholder {}
