package emulator

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
)

// BenchmarkAWSListAllUsers lists every user through the real SDK paginator,
// 100 a page, at two store sizes. Compare the two as a ratio: each page
// scans the store once, but per-page costs (HTTP, signing, JSON) dominate, so
// 10× the users should cost about 10×; near 100× would mean the scan had
// become the bottleneck.
func BenchmarkAWSListAllUsers(b *testing.B) {
	for _, n := range []int{500, 5000} {
		b.Run(fmt.Sprintf("users=%d", n), func(b *testing.B) {
			h := newAWSHarness(b, Options{})
			for i := range n {
				attrs := scimUser(i)
				attrs["userName"] = fmt.Sprintf("bench%06d@example.com", i)
				attrs["emails"] = []any{map[string]any{"value": attrs["userName"], "primary": true}}
				attrs["externalId"] = fmt.Sprintf("bench-%06d", i)
				if _, err := h.store.CreateUser(attrs); err != nil {
					b.Fatal(err)
				}
			}
			ctx := context.Background()
			b.ResetTimer()
			for b.Loop() {
				seen := 0
				p := identitystore.NewListUsersPaginator(h.is, &identitystore.ListUsersInput{IdentityStoreId: h.storeID, MaxResults: aws.Int32(100)})
				for p.HasMorePages() {
					out, err := p.NextPage(ctx)
					if err != nil {
						b.Fatal(err)
					}
					seen += len(out.Users)
				}
				if seen != n {
					b.Fatalf("listed %d users, want %d", seen, n)
				}
			}
		})
	}
}
