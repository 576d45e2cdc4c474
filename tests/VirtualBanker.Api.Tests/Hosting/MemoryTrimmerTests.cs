using VirtualBanker.Api.Hosting;

namespace VirtualBanker.Api.Tests.Hosting;

/// <summary>When the idle-time collection runs: only once busy allocation has stopped and enough committed memory is spare.</summary>
public sealed class MemoryTrimmerTests
{
    private const long MiB = 1024 * 1024;
    private static readonly MemoryOptions Defaults = new();

    [Fact]
    public void AfterABusySpell_WhenIdle_WithMuchSpareCommitted_Trims() =>
        Assert.True(MemoryTrimmer.ShouldTrim(bytesPerSecond: 10_000, allocatedSinceTrim: 2_000 * MiB, committedBytes: 450 * MiB, liveBytes: 260 * MiB, Defaults));

    [Fact]
    public void WhileStillBusy_DoesNotTrim() =>
        Assert.False(MemoryTrimmer.ShouldTrim(bytesPerSecond: 50 * MiB, allocatedSinceTrim: 2_000 * MiB, committedBytes: 450 * MiB, liveBytes: 260 * MiB, Defaults));

    [Fact]
    public void WithoutNewAllocationSinceTheLastTrim_DoesNotTrimAgain() =>
        Assert.False(MemoryTrimmer.ShouldTrim(bytesPerSecond: 0, allocatedSinceTrim: 10 * MiB, committedBytes: 450 * MiB, liveBytes: 260 * MiB, Defaults));

    [Theory]
    [InlineData(300, 260)] // 40 MiB spare: less than the 64 MiB minimum
    [InlineData(1_200, 1_000)] // 200 MiB spare, but less than a quarter of a 1,000 MiB heap
    public void WithLittleSpareCommitted_DoesNotTrim(long committedMiB, long liveMiB) =>
        Assert.False(MemoryTrimmer.ShouldTrim(bytesPerSecond: 0, allocatedSinceTrim: 2_000 * MiB, committedBytes: committedMiB * MiB, liveBytes: liveMiB * MiB, Defaults));
}
