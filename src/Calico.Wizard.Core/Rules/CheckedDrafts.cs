using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Calico.Wizard.Core.Drafts;
using Microsoft.Extensions.Caching.Memory;

namespace Calico.Wizard.Core.Rules;

/// <summary>
/// The content rules' verdicts on the drafts the server was asked about, by content hash (SHA-256 of the draft as
/// JSON, with the UI language and number culture the messages are written in): a draft asked about again — its
/// manifests downloaded, then submitted, then re-checked by its job — is judged by its content once. Bounded by
/// the size of what it keeps (<see cref="MaxBytes"/>), and each entry is dropped after <see cref="Idle"/> unused.
/// </summary>
public sealed class CheckedDrafts
{
    /// <summary>About how much the kept drafts and findings may add up to.</summary>
    public const long MaxBytes = 64L << 20;

    public static readonly TimeSpan Idle = TimeSpan.FromMinutes(10);

    private readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = MaxBytes });

    public DraftCheck? Get(ClusterDraft draft, out (string Key, long Size) key)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(draft);
        key = ($"{Convert.ToHexString(SHA256.HashData(json))}|{CultureInfo.CurrentUICulture.Name}|{CultureInfo.CurrentCulture.Name}", json.LongLength);
        return cache.TryGetValue(key.Key, out DraftCheck? known) ? known : null;
    }

    public DraftCheck Keep((string Key, long Size) key, DraftCheck check)
    {
        // what a kept check holds, about: the spec's copy of the draft's text and the manifests written from it, each in
        // UTF-16 (2 bytes a character of the UTF-8 JSON measured), and a line per finding
        var size = 4 * key.Size + 256L * check.Failures.Count;
        if (size < MaxBytes / 4) cache.Set(key.Key, check, new MemoryCacheEntryOptions { Size = size, SlidingExpiration = Idle });
        return check;
    }
}
