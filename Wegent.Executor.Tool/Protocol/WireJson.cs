using System.Text.Encodings.Web;
using System.Text.Json;

namespace Wegent.Executor.Protocol;

/// <summary>How JSON is written on the wire. One definition, so the size limit counts exactly what is sent.</summary>
public static class WireJson
{
    /// <summary>Relaxed escaping keeps non-ASCII text as UTF-8 (not \uXXXX): three bytes for a CJK character, not six,
    /// so the size limit counts what users wrote.</summary>
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
