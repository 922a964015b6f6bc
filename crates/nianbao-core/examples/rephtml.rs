fn main() {
    let n: usize = std::env::args().nth(1).unwrap().parse().unwrap();
    let out = std::env::args().nth(2).unwrap();
    let r = nianbao_core::synth::SynthReport::random(
        &mut fastrand::Rng::with_seed(11),
        nianbao_core::template::Format::V2021,
    );
    std::fs::write(out, r.render(nianbao_core::synth::Layout::Html).repeat(n)).unwrap();
}
