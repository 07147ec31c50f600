use super::*;

const NOTEBOOK: &str = r#"{
 "cells": [
  {
   "cell_type": "markdown",
   "metadata": {},
   "source": ["import adal\n"]
  },
  {
   "cell_type": "code",
   "metadata": {},
   "outputs": [],
   "source": [
    "%pip install adal\n",
    "import adal"
   ]
  },
  {
   "cell_type": "code",
   "metadata": {},
   "outputs": [],
   "source": "x = adal.AuthenticationContext(\"caf\u00e9\")\n"
  }
 ],
 "metadata": {"language_info": {"name": "python"}},
 "nbformat": 4,
 "nbformat_minor": 5
}
"#;

#[test]
fn code_cells_make_one_program_that_maps_to_the_raw_file() {
    let notebook = Notebook::parse(NOTEBOOK).expect("notebook");
    let program = notebook.program();
    assert_eq!(
        program.text,
        "#%pip install adal\nimport adal\nx = adal.AuthenticationContext(\"café\")\n"
    );
    let at = program.text.find("AuthenticationContext").expect("call");
    let raw = notebook.raw_range(&program, at..at + "AuthenticationContext".len());
    assert_eq!(&NOTEBOOK[raw.clone()], "AuthenticationContext");
    let position = notebook.cell_position(raw.start).expect("in a cell");
    assert_eq!((position.cell, position.line, position.column), (3, 1, 10));
    // A string's escapes are the raw text of its characters.
    let literal = program.text.find("\"café\"").expect("literal");
    let raw = notebook.raw_range(&program, literal..literal + "\"café\"".len());
    assert_eq!(&NOTEBOOK[raw], "\\\"caf\\u00e9\\\"");
    // The magic's package, past the inserted `#`.
    let package = program.text.find("adal").expect("package");
    let raw = notebook.raw_range(&program, package..package + 4);
    assert_eq!(&NOTEBOOK[raw.start - 13..raw.end], "%pip install adal");
}

#[test]
fn an_unchanged_program_writes_back_the_same_bytes() {
    let notebook = Notebook::parse(NOTEBOOK).expect("notebook");
    let program = notebook.program();
    assert_eq!(
        notebook.with_program(&program, &program.text).as_deref(),
        Ok(NOTEBOOK)
    );
}

#[test]
fn a_fixed_program_changes_only_its_cells_sources() {
    let notebook = Notebook::parse(NOTEBOOK).expect("notebook");
    let program = notebook.program();
    let fixed = program
        .text
        .replace("import adal\n", "import adal\nimport msal\n")
        .replace("adal.AuthenticationContext", "msal.PublicClientApplication");
    let raw = notebook
        .with_program(&program, &fixed)
        .expect("written back");
    let expected = NOTEBOOK
        .replace(
            "    \"import adal\"\n",
            "    \"import adal\\n\",\n    \"import msal\"\n",
        )
        // The file spells non-ASCII characters as escapes: so does the new line.
        .replace("adal.AuthenticationContext", "msal.PublicClientApplication");
    assert_eq!(raw, expected);
}

#[test]
fn compact_notebooks_keep_their_layout() {
    let compact = r#"{"cells":[{"cell_type":"code","metadata":{},"outputs":[],"source":["import adal"]}],"metadata":{},"nbformat":4,"nbformat_minor":5}"#;
    let notebook = Notebook::parse(compact).expect("notebook");
    let program = notebook.program();
    let raw = notebook
        .with_program(&program, "import adal\nimport msal\n")
        .expect("written back");
    assert_eq!(
        raw,
        compact.replace(r#"["import adal"]"#, r#"["import adal\n","import msal"]"#)
    );
}

#[test]
fn bad_notebooks_say_why() {
    assert!(Notebook::parse("{").unwrap_err().contains("invalid JSON"));
    assert!(
        Notebook::parse(r#"{"cells": [], "nbformat": 3}"#)
            .unwrap_err()
            .contains("nbformat 3")
    );
    let r_kernel = r#"{"cells": [{"cell_type": "code", "source": "library(adal)"}], "metadata": {"kernelspec": {"language": "R"}}, "nbformat": 4}"#;
    assert!(
        Notebook::parse(r_kernel)
            .expect("notebook")
            .program()
            .text
            .is_empty()
    );
}
