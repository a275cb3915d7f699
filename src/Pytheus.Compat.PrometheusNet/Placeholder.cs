namespace Pytheus.Compat.PrometheusNet; internal static class Placeholder {}
