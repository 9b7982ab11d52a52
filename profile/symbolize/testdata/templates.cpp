// C++ fixture: a namespace, a class template and an operator.
#include <cstdio>
#include <vector>

namespace geo {
template <typename T> struct Box {
	std::vector<T> items;
	__attribute__((noinline)) T sum() const
	{
		T s{};
		for (const T &v : items)
			s += v;
		return s;
	}
};
} // namespace geo

int main()
{
	geo::Box<double> b{{1.0, 2.0}};
	std::printf("%f\n", b.sum());
	return 0;
}
