using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text;
using Wegent.Executor.Configuration;
using Wegent.Executor.Tests.TestSupport;

namespace Wegent.Executor.Tests.Configuration;

public sealed class DeviceIdentityResolverTests : IDisposable
{
    private readonly TemporaryDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Home => _temp.Combine("custom-home");

    private sealed class FixedMac(string? mac) : IMacAddressSource
    {
        public string? ReadMacAddress() => mac;
    }

    private DeviceIdentityResolver Resolver(IMachineIdSource machineId, string? mac = null, string hostName = "box") =>
        new(machineId, new FixedMac(mac), _temp.Path, () => hostName, "Linux");

    private static string ExpectedHash(string text) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..12];

    [Fact]
    public void Derives_hw_id_from_the_stripped_machine_id_file()
    {
        var machineIdFile = _temp.Combine("machine-id");
        File.WriteAllText(machineIdFile, "  0123456789abcdef0123456789abcdef\n");

        var identity = Resolver(new MachineIdFileSource([machineIdFile])).Resolve(Home);

        Assert.Equal("hw-" + ExpectedHash("0123456789abcdef0123456789abcdef"), identity.DeviceId);
        Assert.Matches("^hw-[0-9a-f]{12}$", identity.DeviceId);
        Assert.Equal(DeviceIdSource.MachineId, identity.Source);
    }

    [Fact]
    public void Falls_back_to_the_second_machine_id_path()
    {
        var missing = _temp.Combine("etc-machine-id");
        var dbus = _temp.Combine("dbus-machine-id");
        File.WriteAllText(dbus, "dbus-id\n");

        var identity = Resolver(new MachineIdFileSource([missing, dbus])).Resolve(Home);

        Assert.Equal("hw-" + ExpectedHash("dbus-id"), identity.DeviceId);
    }

    [Fact]
    public void Writes_the_id_to_the_home_with_mode_0600_and_reuses_it()
    {
        var machineIdFile = _temp.Combine("machine-id");
        File.WriteAllText(machineIdFile, "first");
        var first = Resolver(new MachineIdFileSource([machineIdFile])).Resolve(Home);
        File.WriteAllText(machineIdFile, "changed");

        var second = Resolver(new MachineIdFileSource([machineIdFile])).Resolve(Home);

        var file = Path.Combine(Home, "device_id");
        Assert.Equal(first.DeviceId, File.ReadAllText(file));
        Assert.Equal(first.DeviceId, second.DeviceId);
        Assert.Equal(DeviceIdSource.HomeFile, second.Source);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
    }

    [UnixFact]
    [UnsupportedOSPlatform("windows")]
    public void A_kept_device_id_that_others_could_read_is_made_owner_only()
    {
        Directory.CreateDirectory(Home);
        var file = Path.Combine(Home, "device_id");
        File.WriteAllText(file, "hw-from-python");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var identity = Resolver(new NoMachineIdSource()).Resolve(Home);

        Assert.Equal("hw-from-python", identity.DeviceId);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
    }

    [Fact]
    public void An_empty_device_id_file_is_replaced()
    {
        Directory.CreateDirectory(Home);
        File.WriteAllText(Path.Combine(Home, "device_id"), "  \n");

        var identity = Resolver(new NoMachineIdSource(), mac: "0a1b2c3d4e5f").Resolve(Home);

        Assert.Equal("mac-" + ExpectedHash("0a1b2c3d4e5f"), identity.DeviceId);
        Assert.Equal(identity.DeviceId, File.ReadAllText(Path.Combine(Home, "device_id")));
    }

    [Fact]
    public void Reuses_the_id_of_the_default_home_when_the_home_is_elsewhere()
    {
        var defaultHome = _temp.Combine(".wegent-executor");
        Directory.CreateDirectory(defaultHome);
        File.WriteAllText(Path.Combine(defaultHome, "device_id"), "hw-0000aaaabbbb\n");

        var identity = Resolver(new MachineIdFileSource([])).Resolve(Home);

        Assert.Equal("hw-0000aaaabbbb", identity.DeviceId);
        Assert.Equal(DeviceIdSource.DefaultHomeFile, identity.Source);
        Assert.Equal("hw-0000aaaabbbb", File.ReadAllText(Path.Combine(Home, "device_id")));
    }

    /// <summary>Written by hand in the upstream (Rust) executor's format: pretty JSON, its token included.</summary>
    private static string UpstreamConfig => Path.Combine(AppContext.BaseDirectory, "Configuration", "Fixtures", "upstream-device-config.json");

    [Fact]
    public void A_home_of_the_upstream_executor_keeps_its_device_id_and_runtime_instance_id()
    {
        Directory.CreateDirectory(Home);
        File.Copy(UpstreamConfig, Path.Combine(Home, "device-config.json"));
        var machineIdFile = _temp.Combine("machine-id");
        File.WriteAllText(machineIdFile, "would-derive-another-id");

        var identity = Resolver(new MachineIdFileSource([machineIdFile])).Resolve(Home);
        var again = Resolver(new MachineIdFileSource([machineIdFile])).Resolve(Home);

        Assert.Equal("device-5f0c2b9a7e3d41c8a6b2f9e1", identity.DeviceId);
        Assert.Equal(DeviceIdSource.UpstreamExecutorConfig, identity.Source);
        Assert.Equal("runtime-c41d8e2a9b7f30e6d5a1c8b4", identity.RuntimeInstanceId);
        Assert.Equal("device-5f0c2b9a7e3d41c8a6b2f9e1", File.ReadAllText(Path.Combine(Home, "device_id")));
        Assert.Equal((identity.DeviceId, identity.RuntimeInstanceId, DeviceIdSource.HomeFile), (again.DeviceId, again.RuntimeInstanceId, again.Source));
    }

    [Fact]
    public void A_device_id_file_wins_over_the_upstream_config()
    {
        Directory.CreateDirectory(Home);
        File.Copy(UpstreamConfig, Path.Combine(Home, "device-config.json"));
        File.WriteAllText(Path.Combine(Home, "device_id"), "hw-from-python");

        var identity = Resolver(new NoMachineIdSource()).Resolve(Home);

        Assert.Equal("hw-from-python", identity.DeviceId);
        Assert.Equal(DeviceIdSource.HomeFile, identity.Source);
    }

    [Theory]
    [InlineData("{\"device_id\": \"   \"}")]
    [InlineData("{\"device_id\": 42}")]
    [InlineData("[\"device-1\"]")]
    [InlineData("{\"device_id\": \"device-1\",")]
    public void An_upstream_config_without_a_usable_id_is_passed_over(string content)
    {
        Directory.CreateDirectory(Home);
        File.WriteAllText(Path.Combine(Home, "device-config.json"), content);

        var identity = Resolver(new NoMachineIdSource(), mac: "0a1b2c3d4e5f").Resolve(Home);

        Assert.Equal("mac-" + ExpectedHash("0a1b2c3d4e5f"), identity.DeviceId);
        Assert.Equal(DeviceIdSource.MacAddress, identity.Source);
    }

    [Fact]
    public void The_runtime_instance_id_is_made_once_kept_in_the_home_with_mode_0600_and_differs_between_homes()
    {
        var first = Resolver(new NoMachineIdSource()).Resolve(Home);
        var again = Resolver(new NoMachineIdSource()).Resolve(Home);
        var elsewhere = Resolver(new NoMachineIdSource()).Resolve(_temp.Combine("other-home"));

        var file = Path.Combine(Home, "runtime_instance_id");
        Assert.Matches("^runtime-[0-9a-f]{24}$", first.RuntimeInstanceId);
        Assert.Equal(first.RuntimeInstanceId, File.ReadAllText(file));
        Assert.Equal(first.RuntimeInstanceId, again.RuntimeInstanceId);
        Assert.NotEqual(first.RuntimeInstanceId, elsewhere.RuntimeInstanceId);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
    }

    [Fact]
    public void Without_machine_id_or_mac_uses_a_random_uuid_id()
    {
        var first = Resolver(new NoMachineIdSource()).Resolve(_temp.Combine("a"));
        var second = Resolver(new NoMachineIdSource()).Resolve(_temp.Combine("b"));

        Assert.Matches("^uuid-[0-9a-f]{12}$", first.DeviceId);
        Assert.NotEqual(first.DeviceId, second.DeviceId);
        Assert.Equal(DeviceIdSource.Random, first.Source);
    }

    [Fact]
    public void Name_is_os_dash_hostname_truncated_to_100_characters()
    {
        Assert.Equal("Linux - box", Resolver(new NoMachineIdSource()).Resolve(Home).Name);

        var longName = Resolver(new NoMachineIdSource(), hostName: new string('h', 200)).Resolve(_temp.Combine("x")).Name;
        Assert.Equal(100, longName.Length);
        Assert.StartsWith("Linux - hhh", longName, StringComparison.Ordinal);
    }

    [Fact]
    public void This_machine_resolves_to_a_valid_identity()
    {
        var identity = DeviceIdentityResolver.ForThisMachine(_temp.Path).Resolve(Home);

        Assert.Matches("^(hw|mac|uuid)-[0-9a-f]{12}$", identity.DeviceId);
        Assert.InRange(identity.Name.Length, 1, 100);
    }
}
