//! The documentation lists every setting the server reads.

use clap::CommandFactory;

fn documented(file: &str) -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(file)).unwrap()
}

#[test]
fn every_environment_variable_is_in_the_readme_and_env_example() {
    let readme = documented("README.md");
    let env_example = documented(".env.example");
    let variables: Vec<String> = okrs::cli::Cli::command()
        .get_arguments()
        .filter_map(|arg| arg.get_env())
        .map(|env| env.to_string_lossy().into_owned())
        .collect();
    assert!(variables.len() >= 15, "{variables:?}");
    for variable in variables {
        assert!(
            readme.contains(&format!("| `{variable}` |")),
            "README's table lacks {variable}"
        );
        assert!(
            env_example.contains(&format!("{variable}=")),
            ".env.example lacks {variable}"
        );
    }
}
