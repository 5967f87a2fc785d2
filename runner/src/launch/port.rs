use super::LaunchError;

/// Asks the kernel for a free TCP port on the loopback interface for `MASTER_PORT`.
///
/// The port is released before the ranks bind it, so another process could take it in
/// between; that window is the same one torchrun accepts, and a clash fails the run loudly.
pub fn free_port() -> Result<u16, LaunchError> {
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).map_err(LaunchError::Port)?;
    let port = listener.local_addr().map_err(LaunchError::Port)?.port();
    Ok(port)
}
