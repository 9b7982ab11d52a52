// Rust fixture: a generic function in a module.
mod shapes {
    #[inline(never)]
    pub fn area<T: Into<f64> + Copy>(w: T, h: T) -> f64 {
        w.into() * h.into()
    }
}

fn main() {
    let a = shapes::area(std::hint::black_box(3u32), 4u32);
    println!("{a}");
}
