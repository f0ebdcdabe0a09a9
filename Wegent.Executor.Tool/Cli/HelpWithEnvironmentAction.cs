using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using Wegent.Executor.Configuration;

namespace Wegent.Executor.Cli;

/// <summary>The standard help, followed by every environment variable with its default and description.</summary>
internal sealed class HelpWithEnvironmentAction(HelpAction standardHelp) : SynchronousCommandLineAction
{
    private const string Indent = "  ";
    private const string ColumnGap = "  ";

    public override int Invoke(ParseResult parseResult)
    {
        var exitCode = standardHelp.Invoke(parseResult);
        var output = parseResult.InvocationConfiguration.Output;
        output.WriteLine($"Environment variables (also read from {ConfigEnvFile.FileName} in the home directory):");
        var width = KnownSettings.All.Max(setting => setting.EnvironmentVariable.Length);
        foreach (var setting in KnownSettings.All)
        {
            output.WriteLine($"{Indent}{setting.EnvironmentVariable.PadRight(width)}{ColumnGap}{DescribeWithDefault(setting)}");
        }

        output.WriteLine();
        return exitCode;
    }

    /// <summary>A secret's default is never shown; a required setting has none.</summary>
    private static string DescribeWithDefault(SettingDefinition setting) =>
        setting switch
        {
            { IsRequired: true } => setting.Description,
            { IsSecret: true } or { DefaultText: null } => $"{setting.Description} (default: none)",
            _ => $"{setting.Description} (default: {setting.DefaultText})",
        };
}
