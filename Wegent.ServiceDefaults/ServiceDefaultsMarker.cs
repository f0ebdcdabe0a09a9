namespace Wegent.ServiceDefaults;

/// <summary>Placeholder until the ServiceDefaults issue wires OpenTelemetry, health and resilience.</summary>
public static class ServiceDefaultsMarker;
