//! Data-parallel gradient averaging over TCP, the torch.distributed way: rank 0 listens on
//! `MASTER_ADDR:MASTER_PORT`, every other rank connects, and each step every rank's gradient
//! is summed at rank 0, divided by the world size and sent back. Rank 0 sends the same bytes
//! to everyone and uses them itself, so every rank holds bit-identical weights.

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

/// How long a rank waits for rank 0 to listen (ranks start in any order).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

pub enum Comm {
    /// `WORLD_SIZE = 1`: nothing to exchange.
    Single,
    /// Rank 0, with one stream per other rank, in rank order.
    Root(Vec<TcpStream>),
    /// Any other rank.
    Worker(TcpStream),
}

impl Comm {
    pub fn connect(rank: usize, world: usize, addr: &str, port: u16) -> io::Result<Comm> {
        match (world, rank) {
            (1, _) => Ok(Comm::Single),
            (_, 0) => accept_all(world, addr, port).map(Comm::Root),
            _ => connect_to_root(rank, addr, port).map(Comm::Worker),
        }
    }

    /// Replaces `values` on every rank with their mean over all ranks.
    pub fn allreduce_mean(&mut self, values: &mut [f64]) -> io::Result<()> {
        match self {
            Comm::Single => Ok(()),
            Comm::Root(peers) => {
                let mut buf = vec![0.0; values.len()];
                for peer in peers.iter_mut() {
                    read_f64s(peer, &mut buf)?;
                    values.iter_mut().zip(&buf).for_each(|(v, b)| *v += b);
                }
                let world = (peers.len() + 1) as f64;
                values.iter_mut().for_each(|v| *v /= world);
                peers
                    .iter_mut()
                    .try_for_each(|peer| write_f64s(peer, values))
            }
            Comm::Worker(stream) => {
                write_f64s(stream, values)?;
                read_f64s(stream, values)
            }
        }
    }
}

fn accept_all(world: usize, addr: &str, port: u16) -> io::Result<Vec<TcpStream>> {
    let listener = TcpListener::bind((addr, port))?;
    let mut peers: Vec<(u32, TcpStream)> = Vec::with_capacity(world - 1);
    while peers.len() < world - 1 {
        let (mut stream, _) = listener.accept()?;
        stream.set_nodelay(true)?;
        let mut rank = [0u8; 4];
        stream.read_exact(&mut rank)?;
        peers.push((u32::from_le_bytes(rank), stream));
    }
    peers.sort_by_key(|(rank, _)| *rank);
    Ok(peers.into_iter().map(|(_, s)| s).collect())
}

fn connect_to_root(rank: usize, addr: &str, port: u16) -> io::Result<TcpStream> {
    let deadline = Instant::now() + CONNECT_TIMEOUT;
    loop {
        match TcpStream::connect((addr, port)) {
            Ok(mut stream) => {
                stream.set_nodelay(true)?;
                stream.write_all(&(rank as u32).to_le_bytes())?;
                return Ok(stream);
            }
            Err(e) if Instant::now() >= deadline => return Err(e),
            Err(_) => std::thread::sleep(Duration::from_millis(10)),
        }
    }
}

fn write_f64s(stream: &mut TcpStream, values: &[f64]) -> io::Result<()> {
    let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
    stream.write_all(&bytes)
}

fn read_f64s(stream: &mut TcpStream, values: &mut [f64]) -> io::Result<()> {
    let mut bytes = vec![0u8; values.len() * 8];
    stream.read_exact(&mut bytes)?;
    for (v, chunk) in values.iter_mut().zip(bytes.chunks_exact(8)) {
        *v = f64::from_le_bytes(chunk.try_into().expect("chunks of 8"));
    }
    Ok(())
}
