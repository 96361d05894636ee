using System.Numerics;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Resources;

namespace Calico.Wizard.Core.Rules;

/// <summary>
/// What a block size means: each node takes blocks of 2^(bits−block) addresses from the containers CIDR, so
/// the pool holds 2^(block−containersPrefix) blocks — the most nodes the cluster can have.
/// </summary>
public readonly record struct BlockCapacity(BigInteger IpsPerNode, BigInteger MaxNodes)
{
    public static (int Min, int Max) Range(NetworkStack stack) => stack == NetworkStack.IPv6 ? (116, 128) : (21, 31);

    public static BlockCapacity Of(int containersPrefix, int blockSize, NetworkStack stack)
    {
        var bits = stack == NetworkStack.IPv6 ? 128 : 32;
        return new(BigInteger.Pow(2, bits - blockSize), BigInteger.Pow(2, blockSize - containersPrefix));
    }

    /// <summary>The smallest block size in range that gives every planned node a block, or null when none does.</summary>
    public static int? SmallestFitting(int containersPrefix, int plannedNodes, NetworkStack stack)
    {
        var (min, max) = Range(stack);
        for (var b = Math.Max(min, containersPrefix); b <= max; b++)
            if (BigInteger.Pow(2, b - containersPrefix) >= plannedNodes) return b;
        return null;
    }

    /// <summary>"64 IPs per node · up to 1,024 nodes", in the current culture's language and digits (written on each call, never kept).</summary>
    public string Describe() => Text.Format(Messages.CapacityDescribe, IpsPerNode, MaxNodes);
}
