//! Serving a classroom: instructor links that hide or lock parts of every lesson (`hide.rs`),
//! and step-through sequences of states with captions (`sequence.rs`: the data in the URL;
//! `player.rs`: the caption bar and the keys in presentation mode; `editor.rs`: the instructor's
//! panel that builds a sequence and its link).

mod editor;
mod hide;
mod player;
pub mod sequence;

pub use editor::SequenceEditor;
pub use hide::InstructorParts;
pub use player::SequencePlayer;
