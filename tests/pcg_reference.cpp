// Reference outputs of PCG32 (XSH-RR, 64-bit state, selectable stream) from O'Neill's own C++
// implementation (Debian's libpcg-cpp-dev), which tests/test_rng.c checks our C version against.
// One line per (initstate, initseq) pair: initstate initseq out0 .. out99, all in decimal.
#include <cinttypes>
#include <cstdio>
#include <pcg_random.hpp>

namespace {

// Pairs that exercise the seeding: the published demo pair (42, 54); zeros and ones; stream
// selectors whose top bit is lost when shifted into the increment; large states and streams.
const struct { uint64_t initstate, initseq; } pairs[] = {
    {42u, 54u},
    {0u, 0u},
    {1u, 1u},
    {0xfedcba9876543210ull, 0x0123456789abcdefull},
    {0xffffffffffffffffull, 0xffffffffffffffffull},
    {0x853c49e6748fea9bull, 0xda3e39cb94b95bdbull},
    {0u, 0x8000000000000000ull},
    {0x8000000000000000ull, 0u},
    {12345u, 67890u},
    {1u, 0u},
    {0u, 1u},
    {0x9e3779b97f4a7c15ull, 0x7fffffffffffffffull},
};

const int outputs_per_pair = 100;

}  // namespace

int main()
{
    for (const auto &p : pairs) {
        pcg32 rng(p.initstate, p.initseq);
        std::printf("%" PRIu64 " %" PRIu64, p.initstate, p.initseq);
        for (int i = 0; i < outputs_per_pair; i++)
            std::printf(" %" PRIu32, static_cast<uint32_t>(rng()));
        std::printf("\n");
    }
    return 0;
}
