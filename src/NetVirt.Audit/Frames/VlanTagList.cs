namespace NetVirt.Audit.Frames;

/// <summary>
/// The VLAN tags of a frame, outermost first: none, one (802.1Q) or two (Q-in-Q). A value type so that parsing does
/// not allocate; enumerate it or index it like a list.
/// </summary>
public readonly struct VlanTagList : IEquatable<VlanTagList>
{
    /// <summary>Most tags the codec handles.</summary>
    public const int MaxTags = 2;

    private readonly VlanTag outer;
    private readonly VlanTag inner;

    /// <summary>One tag.</summary>
    public VlanTagList(VlanTag tag)
    {
        outer = tag;
        Count = 1;
    }

    /// <summary>Two tags, outer (usually an S-tag) first.</summary>
    public VlanTagList(VlanTag outer, VlanTag inner)
    {
        this.outer = outer;
        this.inner = inner;
        Count = 2;
    }

    /// <summary>No tags.</summary>
    public static VlanTagList None => default;

    /// <summary>Number of tags.</summary>
    public int Count { get; }

    /// <summary>The tag at <paramref name="index"/>, 0 being outermost.</summary>
    public VlanTag this[int index] => (uint)index < (uint)Count
        ? (index == 0 ? outer : inner)
        : throw new ArgumentOutOfRangeException(nameof(index), index, $"frame has {Count} VLAN tag(s)");

    /// <summary>The innermost tag's VLAN id, or null when untagged.</summary>
    public ushort? InnermostVlanId => Count == 0 ? null : this[Count - 1].VlanId;

    /// <summary>Returns a list with <paramref name="tag"/> appended as the new innermost tag.</summary>
    public VlanTagList Add(VlanTag tag) => Count switch
    {
        0 => new VlanTagList(tag),
        1 => new VlanTagList(outer, tag),
        _ => throw new InvalidOperationException($"at most {MaxTags} VLAN tags are supported"),
    };

    /// <summary>Enumerates outermost first.</summary>
    public Enumerator GetEnumerator() => new(this);

    /// <inheritdoc />
    public bool Equals(VlanTagList other) =>
        Count == other.Count && (Count < 1 || outer == other.outer) && (Count < 2 || inner == other.inner);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is VlanTagList other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Count, Count > 0 ? outer : default, Count > 1 ? inner : default);

    /// <inheritdoc />
    public override string ToString() => Count switch
    {
        0 => "untagged",
        1 => $"vlan {outer.VlanId}",
        _ => $"vlan {outer.VlanId} (0x{outer.TagProtocol:x4}) / {inner.VlanId}",
    };

    /// <summary>Equality.</summary>
    public static bool operator ==(VlanTagList left, VlanTagList right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(VlanTagList left, VlanTagList right) => !left.Equals(right);

    /// <summary>Allocation-free enumerator.</summary>
    public struct Enumerator
    {
        private readonly VlanTagList list;
        private int index;

        internal Enumerator(VlanTagList list)
        {
            this.list = list;
            index = -1;
        }

        /// <summary>The current tag.</summary>
        public readonly VlanTag Current => list[index];

        /// <summary>Advances to the next tag.</summary>
        public bool MoveNext() => ++index < list.Count;
    }
}
