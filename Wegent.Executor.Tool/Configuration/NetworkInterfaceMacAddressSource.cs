using System.Net.NetworkInformation;

namespace Wegent.Executor.Configuration;

/// <summary>The first non-loopback interface whose MAC is globally administered (not random or virtual).</summary>
public sealed class NetworkInterfaceMacAddressSource : IMacAddressSource
{
    private const byte LocallyAdministeredBit = 0x02;
    private const int MacLength = 6;

    public string? ReadMacAddress()
    {
        try
        {
            foreach (var network in NetworkInterface.GetAllNetworkInterfaces())
            {
                if (network.NetworkInterfaceType == NetworkInterfaceType.Loopback)
                {
                    continue;
                }

                var bytes = network.GetPhysicalAddress().GetAddressBytes();
                if (bytes.Length == MacLength && bytes.Any(b => b != 0) && (bytes[0] & LocallyAdministeredBit) == 0)
                {
                    return Convert.ToHexStringLower(bytes);
                }
            }
        }
        catch (NetworkInformationException)
        {
            // No interface information: the caller falls back to a random id.
        }

        return null;
    }
}
