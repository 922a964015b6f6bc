fn main() {
    let p = std::env::args().nth(1).unwrap();
    let s = std::fs::read(p).unwrap();
    let _ = std::hint::black_box(nianbao_core::parse(&s));
}
