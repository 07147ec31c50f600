//! The migration planner's checks that look past the call a fix rewrites: what other code
//! of the module does with the object the call makes. Each submodule owns one concern and
//! reports blockers (why a fix must stay display-only) to `rewrite`, which plans the edits,
//! or claims a whole shape of code whose findings then share one fix planned here.

pub(crate) mod device_code_credential;
pub(crate) mod parameter_readers;
