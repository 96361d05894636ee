namespace Calico.Wizard.Store;

/// <summary>Who the audit trail names when nobody signed in.</summary>
public static class Actor
{
    public const string System = "system";
    public const string Anonymous = "anonymous (loopback)";
}
