namespace Calico.Wizard.Core.Drafts;

public enum NetworkStack { IPv4, IPv6 }

public enum MachineKind { Physical, Virtual }

public enum NetworkBackend { Calico, Flannel }

/// <summary>The IP-in-IP modes PMK offers (PMK supports IP-in-IP only, no VXLAN).</summary>
public enum IpInIpMode { Always, CrossSubnet, Never }

public enum InterfaceDetection { FirstFound, CanReach, Interface, SkipInterface }
